using System.Text.RegularExpressions;

namespace Libvirt.Capabilities.Connection;

/// <summary>Helpers for libvirt URIs as they appear in logs, errors and names.</summary>
public static partial class LibvirtUri
{
    /// <summary>Removes user-info (user:password@) so credentials never reach logs, labels or errors.</summary>
    public static string Redact(string uri) => UserInfo().Replace(uri, "$1");

    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.\-]*://)[^/@?#]*@")]
    private static partial Regex UserInfo();
}
