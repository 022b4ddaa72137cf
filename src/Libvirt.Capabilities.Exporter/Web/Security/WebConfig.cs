using System.Net.Security;
using System.Security.Authentication;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// The exporter-toolkit web configuration (<c>--web.config.file</c>), parsed and checked: TLS, basic auth users,
/// extra response headers, HTTP/2 and the request rate limit. File paths are absolute (relative ones are
/// resolved against the folder of the web configuration file, as exporter-toolkit does).
/// </summary>
public sealed record WebConfig(
    TlsServerConfig? Tls,
    IReadOnlyDictionary<string, string> Users,
    IReadOnlyDictionary<string, string> Headers,
    bool Http2,
    RateLimitConfig? RateLimit)
{
    /// <summary>No file: plain HTTP, no authentication, no extra headers, no limit.</summary>
    public static WebConfig None { get; } = new(null, new Dictionary<string, string>(), new Dictionary<string, string>(), Http2: true, RateLimit: null);
}

/// <summary><c>rate_limit</c>: one request per <paramref name="Interval"/> on average, up to <paramref name="Burst"/> at once.</summary>
public sealed record RateLimitConfig(TimeSpan Interval, int Burst);

/// <summary><c>tls_server_config</c>: where the key pair and client CAs come from and what a handshake may use.</summary>
/// <param name="CipherSuites">TLS 1.2 suites in preference order; empty means the platform defaults.</param>
/// <param name="ClientAllowedSans">A client certificate must name one of these; empty means any.</param>
public sealed record TlsServerConfig(
    PemSource Certificate,
    PemSource Key,
    ClientAuthType ClientAuth,
    PemSource? ClientCa,
    SslProtocols Protocols,
    IReadOnlyList<TlsCipherSuite> CipherSuites,
    IReadOnlyList<string> ClientAllowedSans);

/// <summary>PEM text given inline in the web configuration, or a file that is re-read when it changes.</summary>
public sealed record PemSource(string? Path, string? Inline)
{
    public static PemSource FromFile(string path) => new(path, null);

    public static PemSource FromText(string text) => new(null, text);

    /// <summary>The key name in messages: cert_file or cert, key_file or key, client_ca_file or client_ca.</summary>
    public string Describe(string key) => Path is null ? key : $"{key}_file '{Path}'";
}
