namespace Libvirt.Capabilities.Exporter.Drift;

/// <summary>
/// One fact that changed between two polls of a target (or two captures). <see cref="Kind"/> is capability or
/// capacity; <see cref="Change"/> is added, removed or changed; <see cref="Old"/> and <see cref="New"/> are the
/// values as <see cref="SeriesFact.Describe"/> gives them, null where the fact is absent.
/// </summary>
public sealed record CapabilityChange(
    DateTimeOffset Time,
    string Target,
    string Family,
    string Kind,
    string Change,
    IReadOnlyDictionary<string, string> Labels,
    string? Old,
    string? New)
{
    /// <summary>The family without <c>libvirt_</c>: the <c>scope</c> label of the change counter.</summary>
    public string Scope => DriftDetector.ScopeOf(Family);

    /// <summary><c>family{labels}</c>.</summary>
    public required string Series { get; init; }
}
