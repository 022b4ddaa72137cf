namespace Libvirt.Capabilities.Exporter.Drift;

/// <summary>Compares the capability facts of two polls of the same target. Pure.</summary>
public static class DriftDetector
{
    public const string Added = "added";
    public const string Removed = "removed";
    public const string Changed = "changed";

    public static List<CapabilityChange> Diff(
        string target, IReadOnlyDictionary<string, SeriesFact> previous, IReadOnlyDictionary<string, SeriesFact> current, DateTimeOffset at)
    {
        var changes = new List<CapabilityChange>();
        foreach (var (key, fact) in current)
        {
            if (!previous.TryGetValue(key, out var before))
            {
                changes.Add(Change(target, fact, Added, null, fact.Value, at));
            }
            else if (!before.Value.Equals(fact.Value))
            {
                changes.Add(Change(target, fact, Changed, before.Value, fact.Value, at));
            }
        }

        foreach (var (key, fact) in previous)
        {
            if (!current.ContainsKey(key))
            {
                changes.Add(Change(target, fact, Removed, fact.Value, null, at));
            }
        }

        changes.Sort((a, b) => string.CompareOrdinal(a.Series, b.Series));
        return changes;
    }

    /// <summary>
    /// Families that are not capabilities: fingerprints (derived from the rest) and the host UUID, which
    /// libvirt makes up anew at each start on hosts without DMI data (containers, some VMs).
    /// </summary>
    private static readonly HashSet<string> NotCompared = new(StringComparer.Ordinal)
    {
        "libvirt_host_info", "libvirt_host_capabilities_fingerprint_info", "libvirt_domcaps_fingerprint_info",
    };

    public static bool Compares(string family) => !NotCompared.Contains(family);

    public static string ScopeOf(string family) => family.StartsWith("libvirt_", StringComparison.Ordinal) ? family["libvirt_".Length..] : family;

    private static CapabilityChange Change(string target, SeriesFact fact, string change, double? old, double? now, DateTimeOffset at) =>
        new(at, target, ScopeOf(fact.Family), change, fact.Key, old, now);
}
