using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>What the pollers tell the fleet: each target's latest complete snapshot, and configuration reloads.</summary>
public interface ISnapshotObserver
{
    /// <summary>A complete poll replaced a target's published capabilities. Must not block.</summary>
    void Accepted(TargetSnapshot snapshot);

    /// <summary>The configuration was reloaded: targets and groups may have changed. Must not block.</summary>
    void Reconfigured(ExporterSettings settings);
}
