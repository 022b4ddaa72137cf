using Libvirt.Capabilities.Exporter.Metrics;

namespace Libvirt.Capabilities.Exporter.Drift;

/// <summary>
/// Compares the capability facts of two polls of the same target: live, after a restart against the persisted
/// snapshot, and offline between two captures (<c>diff</c>). Pure: one code path for all three.
/// </summary>
public static class DriftDetector
{
    public const string Added = "added";
    public const string Removed = "removed";
    public const string Changed = "changed";

    public const string Capability = "capability";
    public const string Capacity = "capacity";

    /// <summary>The facts drift compares, keyed by identity. A repeated identity keeps its first fact.</summary>
    public static Dictionary<string, SeriesFact> Facts(IEnumerable<Sample> samples)
    {
        var facts = new Dictionary<string, SeriesFact>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            if (sample.Family.Drift != DriftKind.None)
            {
                var fact = SeriesFact.From(sample);
                facts.TryAdd(fact.Key, fact);
            }
        }

        return facts;
    }

    public static List<CapabilityChange> Diff(
        string target, IReadOnlyDictionary<string, SeriesFact> previous, IReadOnlyDictionary<string, SeriesFact> current, DateTimeOffset at)
    {
        var changes = new List<CapabilityChange>();
        foreach (var (key, fact) in current)
        {
            if (!previous.TryGetValue(key, out var before))
            {
                changes.Add(Change(target, fact, Added, null, fact.Describe(), at));
            }
            else if (!before.SameValue(fact))
            {
                changes.Add(Change(target, fact, Changed, before.Describe(), fact.Describe(), at));
            }
        }

        foreach (var (key, fact) in previous)
        {
            if (!current.ContainsKey(key))
            {
                changes.Add(Change(target, fact, Removed, fact.Describe(), null, at));
            }
        }

        changes.Sort((a, b) => string.CompareOrdinal(a.Series, b.Series));
        return changes;
    }

    public static string ScopeOf(string family) => family.StartsWith("libvirt_", StringComparison.Ordinal) ? family["libvirt_".Length..] : family;

    private static CapabilityChange Change(string target, SeriesFact fact, string change, string? old, string? now, DateTimeOffset at) =>
        new(at, target, fact.Family, fact.Kind, change, fact.Labels, old, now) { Series = fact.Key };
}
