using System.Globalization;
using System.Text.RegularExpressions;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// The shape of a <c>basic_auth_users</c> password: a bcrypt hash ($2a$, $2b$ or $2y$ as htpasswd writes it),
/// checked at start so a typo is an error and not a user who can never log in.
/// </summary>
public static partial class BcryptHash
{
    public static bool IsValid(string hash) => Shape().IsMatch(hash);

    /// <summary>The work factor of a valid hash (the two digits after the version).</summary>
    public static int CostOf(string hash) => int.Parse(hash.AsSpan(4, 2), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\$2[abxy]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
