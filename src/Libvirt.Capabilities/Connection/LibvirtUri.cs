using System.Text.RegularExpressions;

namespace Libvirt.Capabilities.Connection;

/// <summary>Helpers for libvirt URIs as they appear in logs, errors and names.</summary>
public static partial class LibvirtUri
{
    /// <summary>
    /// Removes user-info (user:password@) from a URI, or from every URI inside a text such as a libvirt error
    /// message, so credentials never reach logs, labels or errors. The user-info ends at the last '@' before
    /// the path, so a password containing '@' is removed whole.
    /// </summary>
    public static string Redact(string text) => UserInfo().Replace(text, "$1");

    [GeneratedRegex(@"\b([a-zA-Z][a-zA-Z0-9+.\-]*://)[^\s/?#'""]*@")]
    private static partial Regex UserInfo();
}
