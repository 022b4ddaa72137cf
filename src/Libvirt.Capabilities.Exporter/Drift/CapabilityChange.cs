namespace Libvirt.Capabilities.Exporter.Drift;

/// <summary>
/// One fact that changed between two polls of a target. <see cref="Scope"/> is the metric family without the
/// <c>libvirt_</c> prefix (e.g. <c>domcaps_cpu_model_usable</c>); <see cref="Change"/> is added, removed or changed.
/// </summary>
public sealed record CapabilityChange(
    DateTimeOffset Time,
    string Target,
    string Scope,
    string Change,
    string Series,
    double? OldValue,
    double? NewValue);
