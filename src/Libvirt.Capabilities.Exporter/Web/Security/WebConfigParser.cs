using System.Globalization;
using System.Net.Security;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// Reads exporter-toolkit's YAML with YamlDotNet's representation model (no reflection, so Native-AOT safe) and
/// as strictly as exporter-toolkit's UnmarshalStrict: unknown and repeated keys are errors, with their line.
/// It checks syntax and values; <see cref="WebConfigFile"/> then checks the files the configuration names.
/// </summary>
public static class WebConfigParser
{
    private static readonly string[] TopKeys = ["tls_server_config", "http_server_config", "basic_auth_users", "rate_limit"];

    private static readonly string[] TlsKeys =
    [
        "cert", "key", "client_ca", "cert_file", "key_file", "client_auth_type", "client_ca_file", "client_allowed_sans",
        "min_version", "max_version", "cipher_suites", "prefer_server_cipher_suites", "curve_preferences",
    ];

    private static readonly string[] HttpKeys = ["http2", "headers"];

    private static readonly string[] RateLimitKeys = ["interval", "burst"];

    /// <param name="baseDirectory">Relative file names are taken from here (the folder of the configuration file).</param>
    public static WebConfig Parse(string yaml, string baseDirectory)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new WebConfigException($"line {e.Start.Line}: {e.Message}");
        }

        if (stream.Documents.Count > 1)
        {
            throw Error(stream.Documents[1].RootNode, "only one YAML document is allowed");
        }

        if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
        {
            return WebConfig.None;
        }

        var top = Fields(stream.Documents[0].RootNode, "the web configuration", TopKeys);
        var http = top.TryGetValue("http_server_config", out var httpNode) ? Fields(httpNode, "http_server_config", HttpKeys) : [];
        return new WebConfig(
            top.TryGetValue("tls_server_config", out var tls) ? ParseTls(tls, baseDirectory) : null,
            top.TryGetValue("basic_auth_users", out var users) ? ParseUsers(users) : WebConfig.None.Users,
            http.TryGetValue("headers", out var headers) ? ParseHeaders(headers) : WebConfig.None.Headers,
            !http.TryGetValue("http2", out var http2) || Bool(http2, "http_server_config.http2", defaultValue: true),
            top.TryGetValue("rate_limit", out var rateLimit) ? ParseRateLimit(rateLimit) : null);
    }

    /// <summary>An interval of 0 (or none) turns the limit off, as in exporter-toolkit.</summary>
    private static RateLimitConfig? ParseRateLimit(YamlNode node)
    {
        var fields = Fields(node, "rate_limit", RateLimitKeys);
        var intervalText = fields.TryGetValue("interval", out var intervalNode) ? Scalar(intervalNode, "rate_limit.interval") : null;
        var interval = intervalText is null ? TimeSpan.Zero
            : GoDuration.Parse(intervalText) ?? throw Error(intervalNode!, $"rate_limit.interval '{intervalText}' is not a duration such as 100ms, 1s or 1m30s");
        if (interval == TimeSpan.Zero)
        {
            return null;
        }

        var burstText = fields.TryGetValue("burst", out var burstNode) ? Scalar(burstNode, "rate_limit.burst") : null;
        return int.TryParse(burstText, NumberStyles.None, CultureInfo.InvariantCulture, out var burst) && burst >= 1
            ? new RateLimitConfig(interval, burst)
            : throw Error(burstNode ?? node, "rate_limit.burst must be a whole number of at least 1 (requests allowed at once)");
    }

    private static TlsServerConfig? ParseTls(YamlNode node, string baseDirectory)
    {
        var fields = Fields(node, "tls_server_config", TlsKeys);
        // Empty strings count as unset, as Go's zero values do.
        string? Text(string key) => fields.TryGetValue(key, out var value) && Scalar(value, $"tls_server_config.{key}") is { Length: > 0 } s ? s : null;

        if (fields.TryGetValue("curve_preferences", out var curves) && !IsNull(curves))
        {
            throw Error(curves, "tls_server_config.curve_preferences is not supported by this exporter (.NET uses OpenSSL's curves); remove it");
        }

        var certificate = Source(Text("cert_file"), Text("cert"), "cert", baseDirectory);
        var key = Source(Text("key_file"), Text("key"), "key", baseDirectory);
        var clientCa = Source(Text("client_ca_file"), Text("client_ca"), "client_ca", baseDirectory);
        var clientAuthText = Text("client_auth_type");
        if (certificate is null && key is null && clientCa is null && clientAuthText is null)
        {
            // exporter-toolkit's rule: without any of these the endpoint is plain HTTP. Other TLS settings
            // would then be silently ignored, so they are an error here.
            var stray = fields.FirstOrDefault(f => !IsNull(f.Value) && f.Value is not YamlScalarNode { Value: "" });
            return stray.Value is null ? null : throw Error(stray.Value, $"tls_server_config.{stray.Key} is set but neither cert_file nor cert is");
        }

        if (certificate is null)
        {
            throw Error(node, "tls_server_config: missing one of cert or cert_file");
        }

        if (key is null)
        {
            throw Error(node, "tls_server_config: missing one of key or key_file");
        }

        var clientAuth = ClientAuthTypes.Parse(clientAuthText)
            ?? throw Error(fields["client_auth_type"], $"tls_server_config: invalid client_auth_type '{clientAuthText}'; allowed: {ClientAuthTypes.Allowed}");
        if (clientCa is not null && clientAuth == ClientAuthType.NoClientCert)
        {
            throw Error(node, "tls_server_config: client CA's have been configured without a Client Auth Policy; set client_auth_type, e.g. RequireAndVerifyClientCert");
        }

        var min = Version(fields, "min_version", TlsVersions.DefaultMin);
        var max = Version(fields, "max_version", TlsVersions.DefaultMax);
        if (min > max)
        {
            throw Error(fields["min_version"], "tls_server_config: min_version is newer than max_version");
        }

        if (fields.TryGetValue("prefer_server_cipher_suites", out var prefer))
        {
            // Accepted for compatibility; Go ignores it too since 1.17.
            Bool(prefer, "tls_server_config.prefer_server_cipher_suites", defaultValue: true);
        }

        var suites = fields.TryGetValue("cipher_suites", out var suiteNode) ? CipherSuites(suiteNode) : [];
        var sans = fields.TryGetValue("client_allowed_sans", out var sanNode)
            ? Sequence(sanNode, "tls_server_config.client_allowed_sans").Select(n => Scalar(n, "tls_server_config.client_allowed_sans") ?? "").ToList()
            : [];
        if (sans.Count > 0 && clientAuth == ClientAuthType.NoClientCert)
        {
            throw Error(sanNode!, "tls_server_config: client_allowed_sans needs a client_auth_type that asks for a certificate, e.g. RequireAndVerifyClientCert");
        }

        return new TlsServerConfig(certificate, key, clientAuth, clientCa, TlsVersions.Range(min, max), suites, sans);
    }

    private static PemSource? Source(string? file, string? inline, string key, string baseDirectory)
    {
        if (file is not null && inline is not null)
        {
            throw new WebConfigException($"tls_server_config: set {key} or {key}_file, not both");
        }

        return file is not null ? PemSource.FromFile(Path.GetFullPath(file, baseDirectory))
            : inline is not null ? PemSource.FromText(inline)
            : null;
    }

    private static int Version(Dictionary<string, YamlNode> fields, string key, string defaultName)
    {
        if (!fields.TryGetValue(key, out var node) || Scalar(node, $"tls_server_config.{key}") is not { Length: > 0 } name)
        {
            return TlsVersions.IndexOf(defaultName);
        }

        var index = TlsVersions.IndexOf(name);
        return index >= 0 ? index : throw Error(node, $"tls_server_config: unknown TLS version: {name}; allowed: {TlsVersions.Allowed}");
    }

    private static List<TlsCipherSuite> CipherSuites(YamlNode node)
    {
        var suites = new List<TlsCipherSuite>();
        foreach (var item in Sequence(node, "tls_server_config.cipher_suites"))
        {
            var name = Scalar(item, "tls_server_config.cipher_suites") ?? "";
            suites.Add(CipherSuiteNames.Parse(name) ?? throw Error(item, $"tls_server_config: unknown cipher: {name}"));
        }

        if (suites.Count > 0 && !OperatingSystem.IsLinux())
        {
            throw Error(node, "tls_server_config.cipher_suites needs Linux (OpenSSL) on .NET");
        }

        return suites;
    }

    private static Dictionary<string, string> ParseUsers(YamlNode node)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, hash, keyNode) in Pairs(node, "basic_auth_users"))
        {
            if (name.Contains(':', StringComparison.Ordinal))
            {
                throw Error(keyNode, $"basic_auth_users: user name '{name}' contains ':', which basic auth cannot carry");
            }

            // Never echo the hash: it is a secret in exporter-toolkit's terms.
            if (!BcryptHash.IsValid(hash))
            {
                throw Error(keyNode, $"basic_auth_users: the password of user '{name}' is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 4 to 31); make one with: htpasswd -nBC 10 \"\" | tr -d ':\\n'");
            }

            users[name] = hash;
        }

        return users;
    }

    private static Dictionary<string, string> ParseHeaders(YamlNode node)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value, keyNode) in Pairs(node, "http_server_config.headers"))
        {
            if (SecurityHeaders.Check(name, value) is { } problem)
            {
                throw Error(keyNode, $"http_server_config.headers: {problem}");
            }

            headers[name] = value;
        }

        return headers;
    }

    /// <summary>The keys of a mapping (null is an empty one), each one allowed.</summary>
    private static Dictionary<string, YamlNode> Fields(YamlNode node, string where, string[] allowed)
    {
        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (name, _, keyNode) in Pairs(node, where, scalarValues: false))
        {
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                throw Error(keyNode, $"unknown key '{name}' in {where}; allowed: {string.Join(", ", allowed)}");
            }

            fields[name] = ((YamlMappingNode)node).Children[keyNode];
        }

        return fields;
    }

    /// <summary>Key-value pairs of a mapping with string keys; values are scalars unless told otherwise.</summary>
    private static IEnumerable<(string Key, string Value, YamlNode KeyNode)> Pairs(YamlNode node, string where, bool scalarValues = true)
    {
        if (IsNull(node))
        {
            yield break;
        }

        if (node is not YamlMappingNode mapping)
        {
            throw Error(node, $"{where} must be a mapping of keys to values");
        }

        // Repeated keys are already rejected by YamlDotNet while loading.
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = keyNode is YamlScalarNode { Value: { } k } ? k : throw Error(keyNode, $"{where}: keys must be strings");
            yield return (key, scalarValues ? Scalar(valueNode, $"{where}.{key}") ?? "" : "", keyNode);
        }
    }

    private static IEnumerable<YamlNode> Sequence(YamlNode node, string where) => IsNull(node)
        ? []
        : node as YamlSequenceNode ?? throw Error(node, $"{where} must be a list");

    /// <summary>The text of a scalar; null for YAML null.</summary>
    private static string? Scalar(YamlNode node, string where) => IsNull(node)
        ? null
        : node is YamlScalarNode scalar ? scalar.Value : throw Error(node, $"{where} must be a single value, not a list or mapping");

    private static bool Bool(YamlNode node, string where, bool defaultValue) => Scalar(node, where) switch
    {
        null => defaultValue,
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        var other => throw Error(node, $"{where} must be true or false, not '{other}'"),
    };

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static WebConfigException Error(YamlNode node, string message) => new($"line {node.Start.Line}: {message}");
}
