using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>What every target's poller shares: settings, the libvirt seam, publication, drift and the clock.</summary>
public sealed record PollingContext(
    ExporterSettings Settings,
    ILibvirtConnector Connector,
    SnapshotPublisher Publisher,
    HealthMetrics Health,
    TargetStatusBoard Board,
    ChangeLog Changes,
    StateStore StateStore,
    TimeProvider Time,
    ILogger Logger,
    ISnapshotObserver? Observer = null,
    IdleMemoryReclaimer? Reclaimer = null);
