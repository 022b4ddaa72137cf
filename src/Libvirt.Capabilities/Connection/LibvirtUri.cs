using System.Text.RegularExpressions;

namespace Libvirt.Capabilities.Connection;

/// <summary>Helpers for libvirt URIs as they appear in logs, errors and names.</summary>
public static partial class LibvirtUri
{
    /// <summary>
    /// Removes user-info (user:password@) and query strings (keyfile=, pkipath=, ... name credential paths) from
    /// every URI inside a text such as a libvirt error message, so credentials never reach logs, labels or
    /// errors. The user-info ends at the last '@' before the path, so a password containing '@' is removed
    /// whole; URIs written without '//' (qemu+tcp:alice:s3cret@host/system) are covered too.
    /// </summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var withoutUserInfo = OpaqueUserInfo().Replace(UserInfo().Replace(text, "$1"), "$1");
        return Query().Replace(withoutUserInfo, "$1");
    }

    /// <summary>A URI as the exporter shows it (names, logs): <see cref="Redact"/>ed, without query or fragment.</summary>
    public static string Display(string uri)
    {
        var redacted = Redact(uri);
        var end = redacted.IndexOfAny(['?', '#']);
        return end < 0 ? redacted : redacted[..end];
    }

    [GeneratedRegex(@"\b([a-zA-Z][a-zA-Z0-9+.\-]*://)[^\s/?#'""]*@")]
    private static partial Regex UserInfo();

    // scheme:user:password@host without '//' (libvirt would refuse it, but it must not leak while being refused).
    [GeneratedRegex(@"\b([a-zA-Z][a-zA-Z0-9+.\-]*:)(?!//)[^\s/?#'""]*@")]
    private static partial Regex OpaqueUserInfo();

    [GeneratedRegex(@"\b([a-zA-Z][a-zA-Z0-9+.\-]*:[^\s?#'""]*)\?[^\s'""]*")]
    private static partial Regex Query();
}
