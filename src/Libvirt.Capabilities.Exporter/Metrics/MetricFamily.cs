namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>A metric family of the public contract: name, help, label names and type (documented in docs/metrics.md).</summary>
public sealed record MetricFamily(string Name, string Help, IReadOnlyList<string> LabelNames, string Type = "gauge")
{
    private static readonly IReadOnlySet<string> NoLabels = new HashSet<string>();

    /// <summary>
    /// Labels that describe a fact rather than name it (the machine an alias resolves to, a feature's policy):
    /// drift matches a series across polls without them, so a new value is one change, not a removal and an addition.
    /// </summary>
    public IReadOnlySet<string> ValueLabels { get; init; } = NoLabels;

    public DriftKind Drift { get; init; } = DriftKind.Capability;

    public MetricFamily WithValueLabels(params string[] labels) => this with { ValueLabels = labels.ToHashSet(StringComparer.Ordinal) };

    public MetricFamily AsCapacity() => this with { Drift = DriftKind.Capacity };

    public MetricFamily NotDrift() => this with { Drift = DriftKind.None };

    /// <summary>Label names every domain-capabilities series carries, in this order.</summary>
    public static readonly IReadOnlyList<string> DomainCapsLabels = ["target", "emulator", "arch", "machine", "virt_type"];

    /// <summary>A family whose series carry <c>target</c> first, then <paramref name="labels"/>.</summary>
    public static MetricFamily Target(string name, string help, params string[] labels) =>
        new(name, help + " From the last poll.", ["target", .. labels]);

    /// <summary>A domain-capabilities family: <see cref="DomainCapsLabels"/> first, then <paramref name="labels"/>.</summary>
    public static MetricFamily DomainCaps(string name, string help, params string[] labels) =>
        new(name, help + " From the last poll.", [.. DomainCapsLabels, .. labels]);
}
