namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>A metric family of the public contract: name, help, label names and type (documented in docs/metrics.md).</summary>
public sealed record MetricFamily(string Name, string Help, IReadOnlyList<string> LabelNames, string Type = "gauge")
{
    /// <summary>Label names every domain-capabilities series carries, in this order.</summary>
    public static readonly IReadOnlyList<string> DomainCapsLabels = ["target", "emulator", "arch", "machine", "virt_type"];

    /// <summary>A family whose series carry <c>target</c> first, then <paramref name="labels"/>.</summary>
    public static MetricFamily Target(string name, string help, params string[] labels) =>
        new(name, help + " From the last poll.", ["target", .. labels]);

    /// <summary>A domain-capabilities family: <see cref="DomainCapsLabels"/> first, then <paramref name="labels"/>.</summary>
    public static MetricFamily DomainCaps(string name, string help, params string[] labels) =>
        new(name, help + " From the last poll.", [.. DomainCapsLabels, .. labels]);
}
