using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>Runs one independent <see cref="TargetPoller"/> loop per configured target until shutdown.</summary>
public sealed class PollingService(
    ExporterSettings settings,
    ILibvirtConnector connector,
    SnapshotPublisher publisher,
    HealthMetrics health,
    TargetStatusBoard board,
    ChangeLog changeLog,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly List<TargetPoller> pollers = [];

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var store = new StateStore(settings.State.Directory);
        var logger = loggers.CreateLogger<TargetPoller>();
        foreach (var target in settings.Libvirt.EffectiveTargets)
        {
            pollers.Add(new TargetPoller(target, settings, connector, publisher, health, board, changeLog, store, time, logger));
        }

        // Each loop runs on its own task: a slow or hanging target never delays another.
        return Task.WhenAll(pollers.Select(p => Task.Run(() => p.RunAsync(stoppingToken), CancellationToken.None)));
    }

    public override void Dispose()
    {
        foreach (var poller in pollers)
        {
            poller.Dispose();
        }

        base.Dispose();
    }
}
