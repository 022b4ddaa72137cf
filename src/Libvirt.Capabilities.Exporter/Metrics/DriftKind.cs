namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>How drift detection treats a family's series.</summary>
public enum DriftKind
{
    /// <summary>What a VM can use: a change is capability drift, which breaks migration and scheduling.</summary>
    Capability,

    /// <summary>How much of something there is right now (memory, free pages): moves with hotplug and hugepage reservations.</summary>
    Capacity,

    /// <summary>Not a fact of the host: health, fingerprints (derived from the rest), identifiers made up at each start.</summary>
    None,
}
