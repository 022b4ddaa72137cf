using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Hosting;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Libvirt.Capabilities.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// The exporter with a web configuration file, in-process, reached over real TLS connections: basic auth,
/// extra headers, client certificates, TLS versions and cipher suites, and certificate rotation.
/// Passwords are those of the htpasswd-made hashes in tests/fixtures/web-config/users.good.yml.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SecuredEndpointTests : IAsyncDisposable
{
    private const string Users = """
        basic_auth_users:
          alice: $2y$04$p2UZi3d6DqEyPAEi1/W4PuwZ23zU/thaRDywFiNusik0ukCga5N6C
          bob: $2y$04$x.C.hXJF4Xp0VD60/ZUEfetSHLMg6l/cFE7C05Wz6Bv0tgFS3Fa2m
        """;

    private const string ServerTls = """
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
        """;

    private readonly TestCertificates certificates = new();
    private WebApplication? app;

    private Uri BaseAddress => new(app!.Urls.Single());

    [Fact]
    public async Task Basic_auth_admits_the_right_password_only()
    {
        await StartAsync(ServerTls + "\n" + Users + "\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n");

        foreach (var (user, password, expected) in new[]
        {
            ("alice", "alice123", HttpStatusCode.OK),
            ("bob", "bob-secret", HttpStatusCode.OK),
            ("alice", "alice123", HttpStatusCode.OK), // Second time from the cache.
            ("alice", "alice1234", HttpStatusCode.Unauthorized),
            ("alice", "bob-secret", HttpStatusCode.Unauthorized),
            ("carol", "alice123", HttpStatusCode.Unauthorized),
            ("alice", "", HttpStatusCode.Unauthorized),
        })
        {
            using var http = Client(credentials: (user, password));
            using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);

            Assert.True(expected == response.StatusCode, $"{user}: {response.StatusCode}");
            Assert.Equal("deny", response.Headers.GetValues("X-Frame-Options").Single());
            if (expected == HttpStatusCode.Unauthorized)
            {
                Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
                Assert.DoesNotContain("libvirt_", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            }
        }

        using var anonymous = Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
        using var garbage = Client();
        garbage.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "%%%not-base64");
        Assert.Equal(HttpStatusCode.Unauthorized, (await garbage.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Users_headers_and_tls_settings_follow_the_file_without_restart()
    {
        await StartAsync(ServerTls + "\n" + Users + "\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n");
        Assert.Equal(HttpStatusCode.OK, await Status("alice", "alice123"));

        // alice's password now is bob's hash: her cached login must not outlive the change.
        Rewrite(ServerTls + "\n  client_auth_type: RequireAnyClientCert\nbasic_auth_users:\n  alice: $2y$04$x.C.hXJF4Xp0VD60/ZUEfetSHLMg6l/cFE7C05Wz6Bv0tgFS3Fa2m\nhttp_server_config:\n  headers:\n    X-Frame-Options: sameorigin\n");
        Assert.Equal(HttpStatusCode.Unauthorized, await Status("alice", "alice123", clientCertificate: "client"));
        using (var http = Client(("alice", "bob-secret"), clientCertificate: "client"))
        using (var response = await http.GetAsync("/healthz", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("sameorigin", response.Headers.GetValues("X-Frame-Options").Single());
        }

        using (var noCertificate = Client(("alice", "bob-secret")))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => noCertificate.GetAsync("/healthz", TestContext.Current.CancellationToken));
        }

        // A broken file, and one that would turn TLS off, leave the last good configuration in force.
        foreach (var refused in new[] { "basic_auth_users: [", Users })
        {
            Rewrite(refused);
            Assert.Equal(HttpStatusCode.OK, await Status("alice", "bob-secret", clientCertificate: "client"));
            Assert.Equal(HttpStatusCode.Unauthorized, await Status("alice", "alice123", clientCertificate: "client"));
        }

        // No users any more: no authentication.
        Rewrite(ServerTls);
        using var anonymous = Client();
        Assert.Equal("ok\n", await anonymous.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Requests_beyond_the_rate_limit_get_429()
    {
        await StartAsync(ServerTls + "\nrate_limit:\n  interval: 1h\n  burst: 2\n");
        using var http = Client();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Plain_http_to_the_tls_port_fails()
    {
        await StartAsync(ServerTls);
        using var http = new HttpClient { BaseAddress = new UriBuilder(BaseAddress) { Scheme = "http" }.Uri };

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/healthz", TestContext.Current.CancellationToken));
        using var https = Client();
        Assert.Equal("ok\n", await https.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_verified_client_certificate_is_required_when_configured()
    {
        await StartAsync(ServerTls + "\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n");
        certificates.IssueUntrustedClient("intruder");

        using var without = Client();
        await Assert.ThrowsAsync<HttpRequestException>(() => without.GetAsync("/healthz", TestContext.Current.CancellationToken));
        using var untrusted = Client(clientCertificate: "intruder");
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusted.GetAsync("/healthz", TestContext.Current.CancellationToken));
        using var trusted = Client(clientCertificate: "client");
        Assert.Equal("ok\n", await trusted.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Any_client_certificate_is_required_but_not_verified_with_RequireAnyClientCert()
    {
        await StartAsync(ServerTls + "\n  client_auth_type: RequireAnyClientCert\n");
        certificates.IssueUntrustedClient("intruder");

        using var without = Client();
        await Assert.ThrowsAsync<HttpRequestException>(() => without.GetAsync("/healthz", TestContext.Current.CancellationToken));
        using var untrusted = Client(clientCertificate: "intruder");
        Assert.Equal("ok\n", await untrusted.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_client_certificate_is_verified_only_when_given_with_VerifyClientCertIfGiven()
    {
        await StartAsync(ServerTls + "\n  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca.crt\n");
        certificates.IssueUntrustedClient("intruder");

        using var without = Client();
        Assert.Equal("ok\n", await without.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
        using var untrusted = Client(clientCertificate: "intruder");
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusted.GetAsync("/healthz", TestContext.Current.CancellationToken));
        using var trusted = Client(clientCertificate: "client");
        Assert.Equal("ok\n", await trusted.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("spiffe://test/prometheus", true)]
    [InlineData("prometheus.test", true)]
    [InlineData("prometheus@test", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("grafana.test", false)]
    public async Task Client_allowed_sans_admit_only_certificates_naming_one_of_them(string allowed, bool admitted)
    {
        await StartAsync(ServerTls + $"\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  client_allowed_sans: [other.test, '{allowed}']\n");

        using var trusted = Client(clientCertificate: "client");
        if (admitted)
        {
            Assert.Equal("ok\n", await trusted.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
        }
        else
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => trusted.GetAsync("/healthz", TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Rotated_certificate_files_are_served_from_the_next_connection_without_restart()
    {
        await StartAsync(ServerTls);
        var first = await ServedSerial();

        var second = certificates.IssueServer("lce test server 2");
        Assert.Equal(second, await ServedSerial());

        // Caught mid-rotation: a certificate whose key is not there yet keeps the last good pair in service.
        File.Copy(certificates.Path("client.key"), certificates.Path("server.key"), overwrite: true);
        Assert.Equal(second, await ServedSerial());

        var third = certificates.IssueServer("lce test server 3");
        Assert.Equal(third, await ServedSerial());
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Tls_versions_and_cipher_suites_are_applied()
    {
        await StartAsync(ServerTls + "\n  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n");

        // The client prefers another suite: only the server's list can lead to this one.
        var (protocol, suite) = await Handshake(
            SslProtocols.Tls12,
            new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]));
        Assert.Equal(SslProtocols.Tls12, protocol);
        Assert.Equal(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, suite);
        Assert.Equal(SslProtocols.Tls12, (await Handshake(SslProtocols.Tls12 | SslProtocols.Tls13)).Protocol);
        await Assert.ThrowsAnyAsync<Exception>(() => Handshake(SslProtocols.Tls12, new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384])));
        await Assert.ThrowsAnyAsync<Exception>(() => Handshake(SslProtocols.Tls13));
    }

    [Fact]
    public async Task Tls13_only_refuses_a_tls12_client()
    {
        await StartAsync(ServerTls + "\n  min_version: TLS13\n");

        Assert.Equal(SslProtocols.Tls13, (await Handshake(SslProtocols.Tls12 | SslProtocols.Tls13)).Protocol);
        await Assert.ThrowsAnyAsync<Exception>(() => Handshake(SslProtocols.Tls12));
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        certificates.Dispose();
    }

    private async Task StartAsync(string webConfig)
    {
        var file = certificates.Path("web.yml");
        File.WriteAllText(file, webConfig);
        var stderr = new StringWriter();
        var libvirt = new RecordedLibvirt();
        app = ExporterHost.Build(
            ["--web.listen-address=127.0.0.1:0", "--web.config.file", file, "--libvirt.uri", "qemu+tcp://recorded/system", "--state.directory="],
            stderr,
            out _,
            services => services.AddSingleton<ILibvirtConnector>(libvirt));
        Assert.True(app is not null, stderr.ToString());
        await app.StartAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("https://", app.Urls.Single(), StringComparison.Ordinal);
    }

    /// <summary>A client with its own connections that trusts only the test CA.</summary>
    private HttpClient Client((string User, string Password)? credentials = null, string? clientCertificate = null)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(certificates.Path("ca.crt"));
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => ChainsTo(ca, certificate);
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(certificates.Path(clientCertificate + ".crt"), certificates.Path(clientCertificate + ".key"))];
        }

        var http = new HttpClient(handler) { BaseAddress = BaseAddress };
        if (credentials is var (user, password))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return http;
    }

    private async Task<HttpStatusCode> Status(string user, string password, string? clientCertificate = null)
    {
        using var http = Client((user, password), clientCertificate);
        using var response = await http.GetAsync("/healthz", TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    /// <summary>Replaces the web configuration file; the clock is moved on so the change is seen even within one tick.</summary>
    private void Rewrite(string webConfig)
    {
        var file = certificates.Path("web.yml");
        var written = File.GetLastWriteTimeUtc(file);
        File.WriteAllText(file, webConfig);
        File.SetLastWriteTimeUtc(file, written.AddSeconds(1));
    }

    private async Task<string> ServedSerial()
    {
        string? serial = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            serial = ((X509Certificate2)certificate!).SerialNumber;
            return true;
        };
        using var http = new HttpClient(handler) { BaseAddress = BaseAddress };
        Assert.Equal("ok\n", await http.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
        return serial!;
    }

    private async Task<(SslProtocols Protocol, TlsCipherSuite Suite)> Handshake(SslProtocols protocols, CipherSuitesPolicy? suites = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(BaseAddress.Host, BaseAddress.Port, TestContext.Current.CancellationToken);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = protocols,
                CipherSuitesPolicy = suites,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
            TestContext.Current.CancellationToken);
        return (tls.SslProtocol, tls.NegotiatedCipherSuite);
    }

    private static bool ChainsTo(X509Certificate2 ca, X509Certificate? certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return certificate is X509Certificate2 served && chain.Build(served);
    }
}
