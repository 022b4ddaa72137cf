using Libvirt.Capabilities.Exporter.Options;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>
/// Runs one independent <see cref="TargetPoller"/> loop per configured target until shutdown, and applies a
/// configuration reload (SIGHUP or POST /-/reload): removed targets stop and every series of theirs is
/// dropped at once, added targets start, changed targets restart, untouched targets keep running. Settings read
/// only at start (web, state, log format) are not applied: the reload names them as waiting for a restart.
/// </summary>
public sealed partial class PollingService(PollingContext context, IConfiguration configuration, CommandLineTargets commandLine) : BackgroundService
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, RunningTarget> running = new(StringComparer.Ordinal);
    private readonly ILogger logger = context.Logger;
    private CancellationToken stopping;
    private bool started;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (gate)
        {
            stopping = stoppingToken;
            started = true;
            foreach (var target in context.Settings.Libvirt.EffectiveTargets)
            {
                Start(target, context);
            }
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.Time, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown: the loops see the same token.
        }

        Task[] loops;
        lock (gate)
        {
            loops = [.. running.Values.Select(r => r.Loop)];
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    /// <summary>What a reload did: rejected with <see cref="Errors"/>, or applied except for <see cref="NeedRestart"/>.</summary>
    public sealed record ReloadOutcome(IReadOnlyList<string> Errors, IReadOnlyList<string> NeedRestart);

    /// <summary>Re-reads the configuration sources and applies the target changes.</summary>
    public ReloadOutcome Reload()
    {
        lock (gate)
        {
            if (!started)
            {
                return new(["the exporter is still starting; reload again once it serves"], []);
            }
        }

        ExporterSettings settings;
        List<string> errors;
        try
        {
            (configuration as IConfigurationRoot)?.Reload();
            settings = ExporterSettings.Load(configuration, commandLine, out errors);
        }
        catch (Exception e) when (ConfigurationFileError.Is(e))
        {
            // A typo in the file must reject the reload, never end the process (SIGHUP runs this unguarded).
            errors = [ConfigurationFileError.Describe(e)];
            settings = context.Settings;
        }

        if (errors.Count > 0)
        {
            LogReloadRejected(string.Join(" ", errors));
            return new(errors, []);
        }

        // The running web server, state store and change log keep their start-up settings.
        var needRestart = context.Settings.NeedRestartComparedTo(settings);
        settings = settings with { Web = context.Settings.Web, State = context.Settings.State, LogFormat = context.Settings.LogFormat };
        var next = context with { Settings = settings };
        lock (gate)
        {
            var wanted = settings.Libvirt.EffectiveTargets.ToDictionary(t => t.EffectiveName, StringComparer.Ordinal);
            var predecessors = new Dictionary<string, TargetPoller>(StringComparer.Ordinal);
            foreach (var (name, current) in running.ToList())
            {
                if (!wanted.TryGetValue(name, out var target))
                {
                    Retire(name, removed: true);
                }
                else if (next.Settings.SignatureOf(target) != current.Signature)
                {
                    predecessors[name] = current.Poller;
                    Retire(name, removed: false);
                }
            }

            foreach (var target in wanted.Values.Where(t => !running.ContainsKey(t.EffectiveName)))
            {
                Start(target, next, predecessors.GetValueOrDefault(target.EffectiveName));
            }
        }

        context.Observer?.Reconfigured(settings);
        LogReloaded(string.Join(", ", settings.Libvirt.EffectiveTargets.Select(t => t.EffectiveName)));
        if (needRestart.Count > 0)
        {
            LogNeedRestart(string.Join(", ", needRestart));
        }

        return new([], needRestart);
    }

    private void Start(TargetOptions target, PollingContext targetContext, TargetPoller? predecessor = null)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        targetContext.Health.Revive(target.EffectiveName);
        var poller = new TargetPoller(target, targetContext, predecessor);

        // Each loop runs on its own task: a slow or hanging target never delays another.
        var loop = Task.Run(() => poller.RunAsync(cancel.Token), CancellationToken.None);
        running[target.EffectiveName] = new RunningTarget(poller, cancel, loop, targetContext.Settings.SignatureOf(target));
    }

    /// <param name="removed">The target left the configuration: every series of it goes. Otherwise a successor
    /// with new settings takes over and keeps publishing, with the same counters.</param>
    private void Retire(string name, bool removed)
    {
        var target = running[name];
        running.Remove(name);
        target.Poller.Retire(withdraw: removed);
        target.Cancel.Cancel();
        if (removed)
        {
            context.Health.RemoveTarget(name);
            context.Board.Remove(name);
        }

        _ = target.Loop.ContinueWith(
            _ =>
            {
                target.Poller.Dispose();
                target.Cancel.Dispose();
            },
            TaskScheduler.Default);
    }

    public override void Dispose()
    {
        lock (gate)
        {
            foreach (var target in running.Values)
            {
                target.Poller.Dispose();
                target.Cancel.Dispose();
            }
        }

        base.Dispose();
    }

    [LoggerMessage(LogEvents.Reloaded, LogLevel.Information, "Configuration reloaded; targets: {Targets}")]
    private partial void LogReloaded(string targets);

    [LoggerMessage(LogEvents.ReloadNeedsRestart, LogLevel.Warning, "Configuration reloaded, but these changed settings take effect only after a restart: {Keys}")]
    private partial void LogNeedRestart(string keys);

    [LoggerMessage(LogEvents.ReloadRejected, LogLevel.Error, "Configuration reload rejected, the running configuration stays: {Errors}")]
    private partial void LogReloadRejected(string errors);

    private sealed record RunningTarget(TargetPoller Poller, CancellationTokenSource Cancel, Task Loop, string Signature);
}
