using System.Diagnostics;
using System.Security.Authentication;
using Libvirt.Capabilities.Exporter.Hosting;
using Libvirt.Capabilities.Exporter.Web.Security;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// Web configuration fixtures tests/fixtures/web-config/&lt;case&gt;.good.yml and &lt;case&gt;.bad.yml, loaded beside
/// freshly made certificates: good files load (and pass promtool check web-config, the reference
/// implementation), bad files fail with exactly the message below.
/// </summary>
public sealed class WebConfigFileTests : IDisposable
{
    private readonly TestCertificates certificates = new();

    public static TheoryData<string> GoodFiles() => new(Directory.GetFiles(TestEnvironment.FixturePath("web-config"), "*.good.yml").Select(Path.GetFileName)!);

    public static TheoryData<string> BadFiles() => new(Directory.GetFiles(TestEnvironment.FixturePath("web-config"), "*.bad.yml").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public void Good_file_loads_and_promtool_agrees(string file)
    {
        var path = Place(file);

        WebConfigFile.Load(path);
        var (exitCode, output) = Promtool(path);
        Assert.True(NewerThanPromtool.Contains(file) == (exitCode != 0), $"promtool check web-config {file} exited {exitCode}: {output}");
    }

    [Theory]
    [InlineData("unknown-key.bad.yml", "line 2: unknown key 'cert_filse' in tls_server_config; allowed: cert, key, client_ca, cert_file, key_file, client_auth_type, client_ca_file, client_allowed_sans, min_version, max_version, cipher_suites, prefer_server_cipher_suites, curve_preferences")]
    [InlineData("unknown-top-key.bad.yml", "line 1: unknown key 'basic_auth_user' in the web configuration; allowed: tls_server_config, http_server_config, basic_auth_users, rate_limit")]
    [InlineData("repeated-key.bad.yml", "line 4: Duplicate key cert_file")]
    [InlineData("missing-key.bad.yml", "line 2: tls_server_config: missing one of key or key_file")]
    [InlineData("missing-cert.bad.yml", "line 2: tls_server_config: missing one of cert or cert_file")]
    [InlineData("cert-file-missing.bad.yml", "cannot read cert_file '{dir}/nowhere.crt': Could not find file '{dir}/nowhere.crt'.")]
    [InlineData("key-mismatch.bad.yml", "cert_file '{dir}/server.crt' and key_file '{dir}/client.key' are not a PEM certificate and its private key: The provided key does not match the public key for this certificate.")]
    [InlineData("client-ca-without-policy.bad.yml", "line 2: tls_server_config: client CA's have been configured without a Client Auth Policy; set client_auth_type, e.g. RequireAndVerifyClientCert")]
    [InlineData("client-ca-not-pem.bad.yml", "client_ca_file '{dir}/client-ca-not-pem.bad.yml' holds no PEM certificate")]
    [InlineData("client-auth-type.bad.yml", "line 4: tls_server_config: invalid client_auth_type 'RequireAndVerify'; allowed: NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert")]
    [InlineData("invented-cipher.bad.yml", "line 6: tls_server_config: unknown cipher: TLS_RSA_WITH_3DES_EDE_CBC_SHA")]
    [InlineData("tls-version.bad.yml", "line 4: tls_server_config: unknown TLS version: TLS1.2; allowed: TLS10, TLS11, TLS12, TLS13")]
    [InlineData("min-above-max.bad.yml", "line 4: tls_server_config: min_version is newer than max_version")]
    [InlineData("tls-setting-without-cert.bad.yml", "line 2: tls_server_config.min_version is set but neither cert_file nor cert is")]
    [InlineData("password-not-bcrypt.bad.yml", "line 2: basic_auth_users: the password of user 'john' is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 4 to 31); make one with: htpasswd -nBC 10 \"\" | tr -d ':\\n'")]
    [InlineData("header-not-allowed.bad.yml", "line 3: http_server_config.headers: HTTP header \"Server\" can not be configured; allowed: Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, Content-Security-Policy")]
    [InlineData("header-value.bad.yml", "line 3: http_server_config.headers: invalid value for X-Frame-Options. Expected one of: \"deny\" \"sameorigin\", but got: \"DENY\"")]
    [InlineData("http2-not-bool.bad.yml", "line 2: http_server_config.http2 must be true or false, not 'maybe'")]
    [InlineData("not-a-mapping.bad.yml", "line 1: the web configuration must be a mapping of keys to values")]
    [InlineData("yaml-syntax.bad.yml", "line 2: While scanning a multi-line double-quoted scalar, found wrong indentation.")]
    [InlineData("rate-limit-burst.bad.yml", "line 3: rate_limit.burst must be a whole number of at least 1 (requests allowed at once)")]
    [InlineData("rate-limit-interval.bad.yml", "line 2: rate_limit.interval '1d' is not a duration such as 100ms, 1s or 1m30s")]
    [InlineData("curve-preferences.bad.yml", "line 4: tls_server_config.curve_preferences is not supported by this exporter (.NET uses OpenSSL's curves); remove it")]
    [InlineData("two-documents.bad.yml", "line 3: only one YAML document is allowed")]
    [InlineData("client-allowed-sans-without-client-auth.bad.yml", "line 5: tls_server_config: client_allowed_sans needs a client_auth_type that asks for a certificate, e.g. RequireAndVerifyClientCert")]
    public void Bad_file_fails_with_a_message_naming_the_line_or_file(string file, string expected)
    {
        var path = Place(file);

        var error = Assert.Throws<WebConfigException>(() => WebConfigFile.Load(path));
        Assert.Equal(expected.Replace("{dir}", certificates.Directory, StringComparison.Ordinal), error.Message);
    }

    /// <summary>Good files with keys of exporter-toolkit releases newer than Debian 12's promtool (2.42).</summary>
    private static readonly string[] NewerThanPromtool = ["client-allowed-sans.good.yml", "rate-limit.good.yml"];

    /// <summary>Bad files that promtool (Debian 12, 2.42) accepts: the deliberate differences in docs/web-config.md.</summary>
    private static readonly string[] StricterThanPromtool =
    [
        "client-ca-not-pem.bad.yml", "curve-preferences.bad.yml", "min-above-max.bad.yml", "tls-setting-without-cert.bad.yml", "two-documents.bad.yml",
    ];

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Promtool_rejects_every_bad_file_but_the_documented_stricter_ones(string file)
    {
        var (exitCode, output) = Promtool(Place(file));

        Assert.True(StricterThanPromtool.Contains(file) == (exitCode == 0), $"promtool check web-config {file} exited {exitCode}: {output}");
    }

    [Fact]
    public void Every_bad_fixture_has_an_expected_message()
    {
        var covered = typeof(WebConfigFileTests).GetMethod(nameof(Bad_file_fails_with_a_message_naming_the_line_or_file))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>().Select(a => (string)a.Data[0]!);
        Assert.Equal(BadFiles().Select(row => (string)row.Data).Order(), covered.Order());
    }

    [Fact]
    public async Task A_bad_file_stops_start_up_with_one_line_and_exit_code_2()
    {
        var path = Place("header-value.bad.yml");
        var stderr = new StringWriter();

        await using var app = ExporterHost.Build(["--web.config.file", path, "--libvirt.uri", "test:///default"], stderr, out var exitCode);

        Assert.Null(app);
        Assert.Equal(ExporterHost.ConfigurationError, exitCode);
        Assert.Equal(
            $"error: invalid configuration: Web:ConfigFile (--web.config.file) '{path}': line 3: http_server_config.headers: invalid value for X-Frame-Options. Expected one of: \"deny\" \"sameorigin\", but got: \"DENY\"\n",
            stderr.ToString());
    }

    [Fact]
    public void Defaults_match_exporter_toolkit()
    {
        var config = WebConfigFile.Load(Place("tls.good.yml"));

        var tls = Assert.IsType<TlsServerConfig>(config.Tls);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, tls.Protocols);
        Assert.Equal(ClientAuthType.NoClientCert, tls.ClientAuth);
        Assert.Empty(tls.CipherSuites);
        Assert.True(config.Http2);
        Assert.Empty(config.Users);
        Assert.Equal(Path.Combine(certificates.Directory, "server.crt"), tls.Certificate.Path);
    }

    [Fact]
    public void Values_are_read_as_written()
    {
        var ciphers = WebConfigFile.Load(Place("ciphers.good.yml"));
        var headers = WebConfigFile.Load(Place("headers.good.yml"));
        var users = WebConfigFile.Load(Place("users.good.yml"));
        var clientAuth = WebConfigFile.Load(Place("client-auth.good.yml"));

        Assert.Equal(SslProtocols.Tls12, ciphers.Tls!.Protocols);
        Assert.Equal(ClientAuthType.VerifyClientCertIfGiven, ciphers.Tls.ClientAuth);
        Assert.Equal(
            ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"],
            ciphers.Tls.CipherSuites.Select(s => s.ToString()));
        Assert.Null(headers.Tls);
        Assert.Equal("1", headers.Headers["X-XSS-Protection"]);
        Assert.Equal("max-age=31536000; includeSubDomains", headers.Headers["Strict-Transport-Security"]);
        Assert.Equal(["alice", "bob"], users.Users.Keys.Order());
        Assert.Equal(ClientAuthType.RequireAndVerifyClientCert, clientAuth.Tls!.ClientAuth);
        Assert.Equal(SslProtocols.Tls13, clientAuth.Tls.Protocols);
        Assert.False(WebConfigFile.Load(Place("no-http2.good.yml")).Http2);
        Assert.Equal(["prometheus.test", "spiffe://test/prometheus"], WebConfigFile.Load(Place("client-allowed-sans.good.yml")).Tls!.ClientAllowedSans);
        Assert.Same(WebConfig.None, WebConfigFile.Load(Place("empty.good.yml")));
        Assert.Equal(new RateLimitConfig(TimeSpan.FromSeconds(90), 5), WebConfigFile.Load(Place("rate-limit.good.yml")).RateLimit);
    }

    [Fact]
    public void Inline_certificate_and_key_are_accepted()
    {
        // Newer exporter-toolkit releases accept cert and key inline; Debian 12's promtool (2.42) predates that.
        var pem = (string name) => string.Join("\n", File.ReadAllLines(certificates.Path(name)).Select(l => "    " + l));
        var path = certificates.Path("inline.yml");
        File.WriteAllText(path, $"tls_server_config:\n  cert: |\n{pem("server.crt")}\n  key: |\n{pem("server.key")}\n");

        var config = WebConfigFile.Load(path);

        Assert.Null(config.Tls!.Certificate.Path);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", config.Tls.Certificate.Inline, StringComparison.Ordinal);
    }

    public void Dispose() => certificates.Dispose();

    private string Place(string fixture)
    {
        var path = certificates.Path(fixture);
        File.Copy(TestEnvironment.FixturePath("web-config", fixture), path, overwrite: true);
        return path;
    }

    private static (int ExitCode, string Output) Promtool(string path)
    {
        TestEnvironment.Require(File.Exists("/usr/bin/promtool"), "promtool (apt-get install prometheus)");
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/promtool", ["check", "web-config", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
