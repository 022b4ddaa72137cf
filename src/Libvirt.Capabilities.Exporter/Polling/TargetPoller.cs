using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Collection;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Interop;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>
/// The polling loop of one target. Only this class talks to libvirt for the target; its failures stay
/// its own. After each poll it stages one complete sample set: the capabilities of the last complete poll
/// (kept, marked stale, when a poll fails) plus the health of this poll.
/// </summary>
public sealed partial class TargetPoller : IDisposable
{
    private readonly TargetOptions target;
    private readonly PollingContext context;
    private readonly TargetCollector collector;
    private readonly TargetWorker worker;
    private readonly ILogger logger;

    private ILibvirtConnection? connection;
    private Dictionary<string, SeriesFact>? baseline;
    private HashSet<string> uncollectedGroups = [];
    private bool baselinePersisted;
    private List<Sample> lastGoodCapabilities = [];
    private TargetSnapshot? lastGood;
    private DateTimeOffset? lastSuccess;
    private DateTimeOffset? lastChange;
    private long polls;
    private TimeSpan backoff;
    private readonly Lock publishGate = new();
    private bool retired;

    /// <param name="predecessor">The poller this one replaces on reload: when what is collected did not change,
    /// its baseline and last good data carry over, so a reload never loses drift or publishes a gap.</param>
    public TargetPoller(TargetOptions target, PollingContext context, TargetPoller? predecessor = null)
    {
        this.target = target;
        this.context = context;
        logger = context.Logger;
        collector = new TargetCollector(context.Health, context.Time);
        worker = new TargetWorker(target.EffectiveName, context.Time);
        backoff = Settings.Poll.BackoffInitial;
        Name = target.EffectiveName;
        RedactedUri = LibvirtUri.Display(target.Uri);
        if (predecessor is not null && predecessor.CollectionSignature == CollectionSignature)
        {
            (baseline, baselinePersisted, lastGood, lastGoodCapabilities, uncollectedGroups) =
                (predecessor.baseline, predecessor.baselinePersisted, predecessor.lastGood, predecessor.lastGoodCapabilities, predecessor.uncollectedGroups);
            (lastSuccess, lastChange, polls) = (predecessor.lastSuccess, predecessor.lastChange, predecessor.polls);
            context.Board.Set(Status(lastGood, []));
            return;
        }

        LoadBaseline();
        context.Board.Set(Status(null, []));
        context.Publisher.Stage(Name, SnapshotSamples.NotYetPolled(Name));
    }

    public string Name { get; }

    private string CollectionSignature => Settings.CollectionSignatureOf(target);

    private string RedactedUri { get; }

    private ExporterSettings Settings => context.Settings;

    private TimeProvider Time => context.Time;

    private HealthMetrics Health => context.Health;

    /// <summary>Polls until cancelled: the interval (with jitter) after a complete poll, growing backoff after a failed one.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                delay = await PollOnceAsync(stopping).ConfigureAwait(false) ? NextInterval() : NextBackoff();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A bug must not end the loop: log it, count it, try again later.
                LogLoopCrashed(Name, e);
                Health.CountError(Name, ErrorReasons.Internal);
                delay = NextBackoff();
            }

            try
            {
                await Task.Delay(delay, Time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One poll: connect if needed, collect within the timeout, publish, detect drift. True when complete.</summary>
    public async Task<bool> PollOnceAsync(CancellationToken stopping)
    {
        var timeout = Settings.TimeoutOf(target);
        var started = Time.GetTimestamp();
        TargetSnapshot snapshot;
        try
        {
            var open = await EnsureConnectionAsync(timeout, stopping).ConfigureAwait(false);
            snapshot = await worker.RunAsync(
                "identity", abandoned => collector.Collect(Name, open, Settings.Libvirt.Machines, worker.Current, abandoned), timeout, stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // Anything but shutdown fails this poll only: libvirt errors, timeouts, an unreadable password file.
            var reason = ErrorReasons.Classify(e);
            var stage = e is StepTimeoutException timedOut ? timedOut.Stage : "connect";
            Health.CountError(Name, reason);

            // The connection may be wedged (a hung call) or gone: start afresh once the target's thread is free.
            DropConnection();
            snapshot = new TargetSnapshot(Name, Time.GetUtcNow(), Time.GetElapsedTime(started), null, null, [],
                [new CollectionError(stage, reason, e.Message)]);
        }

        polls++;
        var complete = IsComplete(snapshot);
        if (snapshot.Up)
        {
            snapshot = Accept(snapshot);
        }

        if (!complete)
        {
            foreach (var error in snapshot.Errors)
            {
                LogPollStepFailed(Name, RedactedUri, error.Stage, error.Reason, error.Message);
            }
        }

        if (snapshot.Up)
        {
            lastSuccess = snapshot.CompletedAt;
        }

        lock (publishGate)
        {
            if (retired)
            {
                return false;
            }

            context.Publisher.Stage(Name, [.. lastGoodCapabilities, .. SnapshotSamples.Health(snapshot, lastSuccess, lastChange)]);
            context.Board.Set(Status(snapshot, snapshot.Errors));
        }

        LogPollCompleted(Name, snapshot.Duration.TotalMilliseconds, snapshot.Up, complete, snapshot.DomainCaps.Count);
        return complete;
    }

    /// <summary>
    /// Complete: the host answered and every domain-capabilities call did too, except refusals that are a
    /// permanent property of the target (read-only connection, driver without the call). An incomplete poll
    /// that reached the host is still published (<see cref="PartialPoll"/>), but retried after the backoff.
    /// </summary>
    private static bool IsComplete(TargetSnapshot snapshot) =>
        snapshot.Up && snapshot.Errors.All(e => e.Stage == "identity" || e.Reason is ErrorReasons.ReadOnly or ErrorReasons.NotSupported);

    /// <summary>
    /// Publishes a poll that read the host capabilities: combinations whose call failed keep their last good
    /// data, so a transient error never looks like drift; drift is detected against the baseline.
    /// </summary>
    /// <returns>The snapshot as published (with carried-over combinations).</returns>
    private TargetSnapshot Accept(TargetSnapshot snapshot)
    {
        var failed = PartialPoll.TransientFailures(snapshot);
        if (failed.Count == 0 && uncollectedGroups.Count == 0
            && lastGood?.ContentHash is { } previous && previous == snapshot.ContentHash && baseline is not null && baselinePersisted)
        {
            // libvirt answered byte for byte as before: the samples, facts and drift would be the same.
            lastGood = snapshot;
            backoff = Settings.Poll.BackoffInitial;
            context.Observer?.Accepted(snapshot);
            return snapshot;
        }

        snapshot = PartialPoll.CarryOver(snapshot, lastGood, failed);
        var capabilities = SnapshotSamples.Capabilities(snapshot, context.Settings.Collectors);
        var facts = DriftDetector.Facts(capabilities);
        var changes = baseline is null ? [] : DriftDetector.Diff(Name, baseline, facts, snapshot.CompletedAt);

        // A group collected for the first time since the baseline began is adopted, not reported as added.
        var stillUncollected = PartialPoll.Uncollected(snapshot, failed).ToHashSet();
        changes.RemoveAll(c => c.Change == DriftDetector.Added && PartialPoll.GroupOf(c.Labels) is { } group
            && uncollectedGroups.Contains(group) && !stillUncollected.Contains(group));
        var uncollectedChanged = !stillUncollected.SetEquals(uncollectedGroups);
        uncollectedGroups = stillUncollected;

        if (baseline is not null)
        {
            foreach (var change in changes)
            {
                Health.CountChange(Name, change.Scope, change.Change, change.Kind);
                LogCapabilityChanged(Name, change.Kind, change.Change, change.Series, change.Old ?? "(absent)", change.New ?? "(absent)");
            }

            context.Changes.Add(changes);
            if (changes.Any(c => c.Kind == DriftDetector.Capability))
            {
                lastChange = snapshot.CompletedAt; // Capacity changes (memory hotplug, hugepages) are not capability drift.
            }
        }

        var changed = baseline is null || changes.Count > 0 || uncollectedChanged;
        baseline = facts;
        lastGood = snapshot;
        lastGoodCapabilities = capabilities;
        if (failed.Count == 0)
        {
            backoff = Settings.Poll.BackoffInitial;
        }

        if (changed || !baselinePersisted)
        {
            SaveBaseline(snapshot, facts); // Only when the facts changed: a steady host costs no disk writes.
        }

        context.Observer?.Accepted(snapshot);
        context.Reclaimer?.Request(); // The rebuild's garbage would otherwise stay resident while the exporter idles.
        return snapshot;
    }

    private async Task<ILibvirtConnection> EnsureConnectionAsync(TimeSpan timeout, CancellationToken stopping)
    {
        if (connection is not null)
        {
            var open = connection;
            if (await worker.RunAsync("connect", _ => open.IsAlive(), timeout, stopping).ConfigureAwait(false))
            {
                return connection;
            }

            LogConnectionLost(Name, RedactedUri);
            DropConnection();
        }


        try
        {
            // The password file is read on the target's thread too: a file that blocks (a FIFO) stalls only this target.
            connection = await worker.RunAsync("connect", _ => context.Connector.Open(target.ConnectionSettings()), timeout, stopping).ConfigureAwait(false);
        }
        catch (LibvirtException e)
        {
            LogConnectFailed(Name, RedactedUri, e.Code, e.LibvirtMessage);
            throw;
        }

        LogConnected(Name, RedactedUri, target.ReadOnly);
        return connection;
    }

    private void DropConnection()
    {
        connection?.Dispose();
        connection = null;
    }

    private TimeSpan NextInterval()
    {
        var interval = Settings.IntervalOf(target);
        var spread = Settings.Poll.Jitter * ((Random.Shared.NextDouble() * 2) - 1);
        return interval * (1 + spread);
    }

    private TimeSpan NextBackoff()
    {
        var delay = backoff;
        backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, Settings.Poll.BackoffMax.Ticks));
        return TimeSpan.FromTicks(Math.Min(delay.Ticks, Settings.IntervalOf(target).Ticks));
    }

    private void LoadBaseline()
    {
        var persisted = context.StateStore.Load(Name, out var problem);
        if (problem is not null)
        {
            LogStateUnreadable(Name, problem);
            Health.CountStateError(Name, "load");
        }

        if (persisted is not null && persisted.Collection != Settings.CollectionSignatureOf(target))
        {
            LogStateUnreadable(Name, "the snapshot was taken under other target settings; starting without a baseline");
        }
        else if (persisted is not null)
        {
            // Last one wins: a hand-edited file with repeated facts is still a usable baseline.
            baseline = [];
            foreach (var fact in persisted.Facts)
            {
                baseline[fact.Key] = fact;
            }

            uncollectedGroups = [.. persisted.UncollectedGroups ?? []];
            baselinePersisted = true;
            LogBaselineLoaded(Name, persisted.SavedAt, baseline.Count);
        }
    }

    private void SaveBaseline(TargetSnapshot snapshot, Dictionary<string, SeriesFact> facts)
    {
        try
        {
            context.StateStore.Save(new PersistedTarget(
                StateStore.FormatVersion,
                Name,
                Settings.CollectionSignatureOf(target),
                snapshot.CompletedAt,
                snapshot.Info?.LibvirtVersion,
                snapshot.Info?.HypervisorVersion,
                [.. facts.Values])
            {
                UncollectedGroups = [.. uncollectedGroups],
            });
            baselinePersisted = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            baselinePersisted = false;
            LogStateNotSaved(Name, e.Message);
            Health.CountStateError(Name, "save");
        }
    }

    private TargetStatus Status(TargetSnapshot? snapshot, IReadOnlyList<CollectionError> errors) => new(
        Name,
        RedactedUri,
        target.ReadOnly,
        polls,
        snapshot?.CompletedAt,
        lastSuccess,
        lastChange,
        snapshot?.Up ?? false,
        snapshot is not null && lastGood is not null && (!ReferenceEquals(snapshot, lastGood) || lastGood.CarriedOver.Count > 0),
        errors,
        [.. lastGood?.DomainCaps.Select(c => new CombinationStatus(
            c.Combination.Emulator, c.Combination.Arch, c.Combination.Machine, c.Combination.VirtType, c.Caps.Machine,
            !ReferenceEquals(snapshot, lastGood) || lastGood.CarriedOver.Contains(c.Combination))) ?? []],
        lastGoodCapabilities.FirstOrDefault(s => s.Family == FingerprintCollector.HostFingerprint).LabelValues?[^1]);

    /// <summary>Never publish again; <paramref name="withdraw"/> (the target left the configuration) also removes its series now.</summary>
    public void Retire(bool withdraw)
    {
        lock (publishGate)
        {
            retired = true;
            if (withdraw)
            {
                context.Publisher.Stage(Name, []);
            }
        }
    }

    public void Dispose()
    {
        DropConnection();
        worker.Dispose();
    }
}
