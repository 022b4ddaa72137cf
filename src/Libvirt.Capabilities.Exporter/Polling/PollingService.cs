namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>Runs one independent <see cref="TargetPoller"/> loop per configured target until shutdown.</summary>
public sealed class PollingService(PollingContext context) : BackgroundService
{
    private readonly List<TargetPoller> pollers = [];

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var target in context.Settings.Libvirt.EffectiveTargets)
        {
            pollers.Add(new TargetPoller(target, context));
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
