using System.Security.Authentication;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary><c>min_version</c> and <c>max_version</c>: Go's names, TLS 1.2 to 1.3 by default as in exporter-toolkit.</summary>
public static class TlsVersions
{
    public const string Allowed = "TLS10, TLS11, TLS12, TLS13";

    // Ordered from oldest to newest, so a range is a slice of it.
#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 are obsolete, but exporter-toolkit lets an operator ask for them.
    private static readonly (string Name, SslProtocols Protocol)[] Versions =
    [
        ("TLS10", SslProtocols.Tls),
        ("TLS11", SslProtocols.Tls11),
        ("TLS12", SslProtocols.Tls12),
        ("TLS13", SslProtocols.Tls13),
    ];
#pragma warning restore SYSLIB0039

    public const string DefaultMin = "TLS12";

    public const string DefaultMax = "TLS13";

    /// <summary>The position of a version name from oldest to newest, or -1 when unknown.</summary>
    public static int IndexOf(string name) => Array.FindIndex(Versions, v => v.Name == name);

    /// <summary>Every version from <paramref name="min"/> to <paramref name="max"/> (indexes from <see cref="IndexOf"/>).</summary>
    public static SslProtocols Range(int min, int max)
    {
        var protocols = SslProtocols.None;
        for (var i = min; i <= max; i++)
        {
            protocols |= Versions[i].Protocol;
        }

        return protocols;
    }
}
