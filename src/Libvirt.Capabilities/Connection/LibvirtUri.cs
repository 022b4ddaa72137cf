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

    /// <summary>
    /// Removes from <paramref name="text"/> every value the URI carries in its query (keyfile=/path, pkipath=/dir,
    /// ...) and its user-info parts, wherever they appear: libvirt quotes them in its own words ("Identity file
    /// /path not accessible", "Cannot read CA certificate '/dir/cacert.pem'"), outside any URI.
    /// </summary>
    public static string RedactSecretsOf(string uri, string text)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var secrets = new List<string>();
        var query = uri.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            foreach (var pair in uri[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var value = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
                secrets.Add(value);
                secrets.Add(System.Net.WebUtility.UrlDecode(value));
            }
        }

        if (UserInfoOf(uri) is { } userInfo)
        {
            secrets.AddRange(userInfo.Split(':', 2));
        }

        var redacted = Redact(text);
        foreach (var secret in secrets.Where(s => s.Length >= 3).Distinct().OrderByDescending(s => s.Length))
        {
            redacted = redacted.Replace(secret, "<redacted>", StringComparison.Ordinal);
        }

        return redacted;
    }

    private static string? UserInfoOf(string uri)
    {
        var start = uri.IndexOf("://", StringComparison.Ordinal) is var i and >= 0 ? i + 3 : uri.IndexOf(':', StringComparison.Ordinal) + 1;
        var end = uri.IndexOfAny(['/', '?', '#'], start) is var j and >= 0 ? j : uri.Length;
        if (end <= start)
        {
            return null;
        }

        var at = uri.LastIndexOf('@', end - 1, end - start);
        return at < 0 ? null : uri[start..at];
    }

    [GeneratedRegex(@"\b([a-zA-Z][a-zA-Z0-9+.\-]*://)[^\s/?#'""]*@")]
    private static partial Regex UserInfo();

    // scheme:user:password@host without '//' (libvirt would refuse it, but it must not leak while being refused).
    [GeneratedRegex(@"\b([a-zA-Z][a-zA-Z0-9+.\-]*:)(?!//)[^\s/?#'""]*@")]
    private static partial Regex OpaqueUserInfo();

    [GeneratedRegex(@"\b([a-zA-Z][a-zA-Z0-9+.\-]*:[^\s?#'""]*)\?[^\s'""]*")]
    private static partial Regex Query();
}
