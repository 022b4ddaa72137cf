using System.Text.RegularExpressions;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>
/// Reads the blocking features out of libvirt's VIR_ERR_CPU_INCOMPATIBLE message, e.g. "the CPU is incompatible
/// with host CPU: Host CPU does not provide required features: avx512f, pku" or "... provides forbidden features:
/// ...". Messages without a feature list (another vendor or model) give no blockers; the raw message is kept anyway.
/// </summary>
public static partial class IncompatibilityMessage
{
    public static IReadOnlyList<string> Blockers(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var blockers = new List<string>();
        foreach (Match list in FeatureList().Matches(message))
        {
            foreach (var item in list.Groups["list"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // Anything that is not a feature name (translated prose, punctuation) is left to the raw message.
                if (FeatureName().IsMatch(item) && !blockers.Contains(item, StringComparer.Ordinal))
                {
                    blockers.Add(item);
                }
            }
        }

        return blockers;
    }

    [GeneratedRegex(@"(?:required|forbidden) features?:\s*(?<list>[^\r\n:;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex FeatureList();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
    private static partial Regex FeatureName();
}
