using System.Text.RegularExpressions;
using Libvirt.Capabilities.Connection;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>
/// What a target URI must look like: <c>driver[+transport]://[user@][host][:port]/path[?query]</c> with a driver
/// and transport libvirt knows (https://libvirt.org/uri.html, https://libvirt.org/remote.html). A message never
/// shows a value that could hold credentials: user-info is removed, and a value without <c>//</c> is not shown.
/// </summary>
public static partial class LibvirtUriRule
{
    /// <summary>Hypervisor drivers of libvirt (xen is libxl's scheme, parallels the old name of vz).</summary>
    public static readonly IReadOnlyList<string> Drivers =
        ["qemu", "xen", "lxc", "ch", "bhyve", "vbox", "vmwareplayer", "vmwarews", "vmwarefusion", "esx", "gsx", "vpx", "hyperv", "openvz", "vz", "parallels", "test"];

    public static readonly IReadOnlyList<string> Transports = ["unix", "tls", "tcp", "ssh", "libssh", "libssh2", "ext"];

    private const string Shape = "driver[+transport]://[host][:port]/path, e.g. qemu:///system";

    /// <summary>Null when <paramref name="uri"/> is acceptable, else why not (prefixed by the caller with the key).</summary>
    public static string? Problem(string uri)
    {
        var match = Scheme().Match(uri);
        if (!match.Success)
        {
            return $"is not a libvirt URI ({Shape}); the value is not shown as it may hold credentials.";
        }

        var shown = LibvirtUri.Redact(uri);
        var driver = match.Groups["driver"].Value.ToLowerInvariant();
        if (!Drivers.Contains(driver))
        {
            return $"'{shown}' has the unknown driver '{driver}'; libvirt's drivers: {string.Join(", ", Drivers)}.";
        }

        if (match.Groups["transport"] is { Success: true } t && !Transports.Contains(t.Value.ToLowerInvariant()))
        {
            return $"'{shown}' has the unknown transport '{t.Value}'; libvirt's transports: {string.Join(", ", Transports)}.";
        }

        return Uri.TryCreate(uri, UriKind.Absolute, out _) ? null : $"'{shown}' is not a libvirt URI ({Shape}).";
    }

    [GeneratedRegex(@"^(?<driver>[A-Za-z][A-Za-z0-9]*)(\+(?<transport>[A-Za-z0-9]+))?://")]
    private static partial Regex Scheme();
}
