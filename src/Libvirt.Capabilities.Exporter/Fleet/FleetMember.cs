using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>
/// A configured target as the fleet sees it: its group, its last complete snapshot and its CPU class, and
/// whether its last poll failed to reach it (down): then it keeps its class, but cannot judge or be asked.
/// </summary>
public sealed record FleetMember(TargetOptions Target, TargetSnapshot? Snapshot, CpuClass? Class, bool Down)
{
    public string Name => Target.EffectiveName;

    public string Group => Target.EffectiveGroup;

    /// <summary>Why there is no class to compare, for /api/compat.</summary>
    public string? UnclassifiedReason => Class is not null ? null
        : Target.ReadOnly ? "read-only connection: libvirt refuses domain capabilities and CPU comparison, so the fleet cannot judge this target"
        : Snapshot is null ? "not completely polled yet"
        : "no host-model CPU in the domain capabilities of the host arch";
}
