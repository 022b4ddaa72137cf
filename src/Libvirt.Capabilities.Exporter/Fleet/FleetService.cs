using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>
/// CPU compatibility across the targets of each group. Pollers hand over complete snapshots; a background round
/// then asks only what is not known yet: every ordered pair of CPU classes of one arch (virConnectCompareHypervisorCPU
/// on a member of the destination class) and, per arch, the baseline CPU (virConnectBaselineHypervisorCPU on the
/// member with the oldest libvirt/QEMU) and whether every class can run it. Answers are kept until a class changes;
/// a scrape only reads staged samples. A pair of classes of different host arches is incompatible without a call
/// when the destination offers no guests of the source's arch and virt type. A target its poller finds down
/// keeps its class, but a class with no member up cannot judge: pairs with it as destination and its baseline
/// checks read unknown until a member is up again, when the kept answers return without a new call. Each libvirt call runs on the destination's own thread with the target's
/// timeout, over a connection the fleet opens for it, so it never blocks a scrape or a poll loop.
/// </summary>
public sealed partial class FleetService : BackgroundService, ISnapshotObserver
{
    private readonly Lock gate = new();
    private readonly Lock publishGate = new();
    private readonly Dictionary<string, TargetSnapshot> snapshots = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Source, string Destination), Answer> pairs = [];
    private readonly Dictionary<(string Group, string Arch), Baseline> baselines = [];
    private readonly Dictionary<string, DestinationLane> lanes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> lastFailure = new(StringComparer.Ordinal);
    /// <summary>What each group last staged, so an unchanged group is not staged (and rendered) again after every poll.</summary>
    private readonly Dictionary<string, string> publishedGroups = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim wake = new(0);
    private int roundsAsked;
    private readonly ILibvirtConnector connector;
    private readonly SnapshotPublisher publisher;
    private readonly TargetStatusBoard board;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private ExporterSettings settings;
    private FleetReport report = FleetReport.Empty;

    public FleetService(ExporterSettings settings, ILibvirtConnector connector, SnapshotPublisher publisher, TargetStatusBoard board, TimeProvider time, ILogger<FleetService> logger)
    {
        this.settings = settings;
        this.connector = connector;
        this.publisher = publisher;
        this.board = board;
        this.time = time;
        this.logger = logger;
        board.UpChanged += AskForRound; // A target going down or coming back changes what its pairs read.
    }

    /// <summary>The publisher key of a group's samples: the NUL cannot be part of a configured target name.</summary>
    public static string PublisherKey(string group) => "\0fleet\0" + group;

    /// <summary>The result of the last round, for /api/compat.</summary>
    public FleetReport Report => Volatile.Read(ref report);

    public void Accepted(TargetSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (gate)
        {
            // A late snapshot of a target that left the configuration is ignored.
            if (!settings.Libvirt.EffectiveTargets.Any(t => t.EffectiveName == snapshot.Target))
            {
                return;
            }

            var previous = snapshots.GetValueOrDefault(snapshot.Target);
            snapshots[snapshot.Target] = snapshot;
            if (previous is not null && SameForTheFleet(previous, snapshot))
            {
                // A steady poll: no round, or every poll of any target would recompute every group (quadratic in targets).
                return;
            }
        }

        AskForRound();
    }

    /// <summary>
    /// Whether two consecutive snapshots of a target give the fleet the same answers: it reads the host and domain
    /// capabilities (the content hash covers every request and answer, and a failed call's marker, whose carried-over
    /// data is the same last good one between consecutive polls) and the versions (not in the hash).
    /// </summary>
    private static bool SameForTheFleet(TargetSnapshot previous, TargetSnapshot next) =>
        previous.ContentHash is { } hash && hash == next.ContentHash && previous.Info == next.Info;

    public void Reconfigured(ExporterSettings next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (gate)
        {
            settings = next;
            var names = next.Libvirt.EffectiveTargets.Select(t => t.EffectiveName).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in snapshots.Keys.Where(n => !names.Contains(n)).ToList())
            {
                snapshots.Remove(gone);
            }
        }

        // Removed targets and moved groups leave the series at once (no libvirt call); the round fills in the rest.
        Publish();
        AskForRound();
    }

    /// <summary>How many times a round was asked for (by a changed snapshot, a target going up or down, a reload).</summary>
    internal int RoundsAsked => Volatile.Read(ref roundsAsked);

    private void AskForRound()
    {
        Interlocked.Increment(ref roundsAsked);
        wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await wake.WaitAsync(stoppingToken).ConfigureAwait(false);
                while (wake.Wait(0))
                {
                    // One round answers every change signalled so far.
                }

                await RecomputeAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogRoundFailed(e);
            }
        }
    }

    /// <summary>One round: ask libvirt what is missing, then publish every group. Rounds must not overlap.</summary>
    public async Task RecomputeAsync(CancellationToken cancel)
    {
        var members = Members();
        var classified = members.Where(m => m.Class is not null).ToList();
        Prune(members, classified);
        await ComputeBaselinesAsync(classified, cancel).ConfigureAwait(false);
        await ComparePairsAsync(classified, cancel).ConfigureAwait(false);
        Publish();
    }

    /// <summary>Every configured target with its last complete snapshot, CPU class and whether it is down.</summary>
    private List<FleetMember> Members()
    {
        var down = DownTargets();
        lock (gate)
        {
            return [.. settings.Libvirt.EffectiveTargets.Select(t =>
            {
                var snapshot = snapshots.GetValueOrDefault(t.EffectiveName);
                return new FleetMember(t, snapshot, snapshot is null ? null : CpuClass.Of(snapshot), down.Contains(t.EffectiveName));
            })];
        }
    }

    /// <summary>The targets whose last poll could not read the host (libvirt_capabilities_up 0).</summary>
    private HashSet<string> DownTargets() => [.. board.All.Where(s => !s.Up).Select(s => s.Name)];

    private void Prune(List<FleetMember> members, List<FleetMember> classified)
    {
        lock (gate)
        {
            PruneLocked(members, classified);
        }
    }

    private void PruneLocked(List<FleetMember> members, List<FleetMember> classified)
    {
        var classIds = classified.Select(m => m.Class!.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var key in pairs.Keys.Where(k => !classIds.Contains(k.Source) || !classIds.Contains(k.Destination)).ToList())
        {
            pairs.Remove(key);
        }

        var groupArches = classified.Select(m => (m.Group, m.Class!.Arch)).ToHashSet();
        foreach (var key in baselines.Keys.Where(k => !groupArches.Contains(k)).ToList())
        {
            baselines.Remove(key);
        }

        var names = members.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in lanes.Keys.Where(n => !names.Contains(n)).ToList())
        {
            lanes.Remove(gone);
            lastFailure.Remove(gone);
        }
    }

    /// <summary>Per group and arch: the baseline of the class CPUs, recomputed when the set of classes changes.</summary>
    private async Task ComputeBaselinesAsync(List<FleetMember> classified, CancellationToken cancel)
    {
        var work = new List<Task>();
        foreach (var byArch in classified.GroupBy(m => (m.Group, m.Class!.Arch)))
        {
            var classes = byArch.Select(m => m.Class!).DistinctBy(c => c.Id).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
            var classSet = string.Join(' ', classes.Select(c => c.Id));
            if (baselines.TryGetValue(byArch.Key, out var known) && known.ClassSet == classSet && known.Final)
            {
                continue;
            }

            // The oldest libvirt/QEMU knows the fewest features: what it computes, every newer member understands.
            // Any member of the oldest class computes the same: one that is up, if there is one.
            var oldest = byArch.OrderBy(m => m.Class!, Comparer<CpuClass>.Create(CpuClass.CompareAge)).ThenBy(m => m.Down).ThenBy(m => m.Name, StringComparer.Ordinal).First();
            if (Reachable(oldest))
            {
                work.Add(ComputeBaselineAsync(byArch.Key, classSet, oldest, [.. classes.Select(c => c.CpuXml)], cancel));
            }
        }

        await Task.WhenAll(work).ConfigureAwait(false);
    }

    private async Task ComputeBaselineAsync((string Group, string Arch) key, string classSet, FleetMember member, List<string> cpus, CancellationToken cancel)
    {
        var cpuClass = member.Class!;
        Baseline result;
        try
        {
            result = await OnLane(member, connection =>
            {
                try
                {
                    return new Baseline(classSet, BaselineCpu.Parse(connection.BaselineHypervisorCpu(null, cpuClass.Arch, null, cpuClass.VirtType, cpus)), null, member.Name, true);
                }
                catch (LibvirtException e) when (Alive(connection))
                {
                    // libvirt's own refusal (e.g. "CPU vendors do not match") is the answer for this set of classes.
                    return new Baseline(classSet, null, e.LibvirtMessage, member.Name, true);
                }
            }, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e))
        {
            result = new Baseline(classSet, null, Describe(e), member.Name, false);
            Failed(member);
        }

        lock (gate)
        {
            baselines[key] = result;
        }

        if (result.Cpu is null)
        {
            LogBaselineFailed(key.Group, key.Arch, member.Name, result.Message ?? "");
        }
    }

    /// <summary>Every ordered pair of classes of a group, and the baseline checks, that are not answered yet.</summary>
    private async Task ComparePairsAsync(List<FleetMember> classified, CancellationToken cancel)
    {
        var questions = new Dictionary<string, List<Question>>(StringComparer.Ordinal);
        foreach (var group in classified.GroupBy(m => m.Group))
        {
            var classes = group.Select(m => m.Class!).DistinctBy(c => c.Id).ToList();
            foreach (var destination in classes)
            {
                var asks = questions.TryGetValue(destination.Id, out var list) ? list : questions[destination.Id] = [];
                var host = group.Where(m => m.Class!.Id == destination.Id).OrderBy(m => m.Name, StringComparer.Ordinal).First().Snapshot!.Host!;
                foreach (var source in classes.Where(s => s.Id != destination.Id && !IsAnswered(s.Id, destination.Id) && asks.All(q => q.Key != s.Id)))
                {
                    if (source.Arch == destination.Arch)
                    {
                        asks.Add(new Question(source.Id, source.CpuXml, destination.Arch, destination.VirtType));
                    }
                    else if (ArchSupport.Offers(host, source.Arch, source.VirtType))
                    {
                        // Another arch the destination emulates (TCG): libvirt judges it for the source's arch.
                        asks.Add(new Question(source.Id, source.CpuXml, source.Arch, source.VirtType));
                    }
                    else
                    {
                        lock (gate)
                        {
                            pairs[(source.Id, destination.Id)] = new Answer(ArchSupport.NotOffered(source.Arch, source.VirtType, destination.Arch), time.GetUtcNow(), null, true);
                        }
                    }
                }

                var baseline = baselines.GetValueOrDefault((group.Key, destination.Arch));
                if (baseline?.Cpu is { } cpu && !(baseline.Checks.TryGetValue(destination.Id, out var check) && check.Final))
                {
                    asks.Add(new Question(BaselineKey(group.Key), cpu.Xml, destination.Arch, destination.VirtType));
                }
            }
        }

        // Any member of the destination class that is up answers for all of them; a class with none reachable waits.
        var work = questions
            .Where(q => q.Value.Count > 0)
            .Select(q => (Destination: classified.Where(m => m.Class!.Id == q.Key).OrderBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(Reachable), Questions: q.Value))
            .Where(q => q.Destination is not null)
            .Select(q => AskAsync(q.Destination!, q.Questions, cancel));
        await Task.WhenAll(work).ConfigureAwait(false);
    }

    private async Task AskAsync(FleetMember destination, List<Question> questions, CancellationToken cancel)
    {
        var cpuClass = destination.Class!;
        Dictionary<string, Answer> answers;
        try
        {
            answers = await OnLane(destination, connection => questions.ToDictionary(q => q.Key, q =>
            {
                var verdict = CpuComparer.Compare(connection, q.Arch, q.VirtType, q.CpuXml);
                // An unknown from a connection that died is a transient failure, not libvirt's judgement.
                return new Answer(verdict, time.GetUtcNow(), destination.Name, verdict.Outcome != CompatOutcome.Unknown || Alive(connection));
            }), cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e))
        {
            var message = Describe(e);
            LogDestinationFailed(destination.Name, message);
            answers = questions.ToDictionary(q => q.Key, _ => new Answer(CompatVerdict.Unknown(message), time.GetUtcNow(), destination.Name, false));
            Failed(destination);
        }

        lock (gate)
        {
            foreach (var (key, answer) in answers)
            {
                if (key.StartsWith('\0'))
                {
                    var group = key[1..];
                    if (baselines.TryGetValue((group, cpuClass.Arch), out var baseline))
                    {
                        baseline.Checks[cpuClass.Id] = answer;
                    }
                }
                else
                {
                    pairs[(key, cpuClass.Id)] = answer;
                }
            }
        }
    }

    /// <summary>
    /// Opens the destination with the target's own settings and runs <paramref name="work"/> on the destination's
    /// lane within the target's timeout. The connection lives only for this job.
    /// </summary>
    private Task<T> OnLane<T>(FleetMember member, Func<ILibvirtConnection, T> work, CancellationToken cancel)
    {
        DestinationLane lane;
        lock (gate)
        {
            lane = lanes.TryGetValue(member.Name, out var existing) ? existing : lanes[member.Name] = new DestinationLane(member.Name);
        }

        return lane.Run(
            () =>
            {
                using var connection = connector.Open(member.Target.ConnectionSettings());
                return work(connection);
            },
            settings.TimeoutOf(member.Target),
            time,
            cancel);
    }

    /// <summary>Up, free to call now (no call of its own still running), and not retried within a poll interval after a failure.</summary>
    private bool Reachable(FleetMember member)
    {
        lock (gate)
        {
            return !member.Down
                && lanes.GetValueOrDefault(member.Name)?.Busy != true
                && (!lastFailure.TryGetValue(member.Name, out var failed) || time.GetUtcNow() - failed >= settings.IntervalOf(member.Target));
        }
    }

    private void Failed(FleetMember member)
    {
        lock (gate)
        {
            lastFailure[member.Name] = time.GetUtcNow();
        }
    }

    /// <summary>Failures that say nothing about the CPU: unreachable, timed out, still busy, unreadable credentials.</summary>
    private static bool IsTransient(Exception e) =>
        e is LibvirtException or TimeoutException or InvalidOperationException or IOException or UnauthorizedAccessException or CapabilitiesParseException;

    private static string Describe(Exception e) => e is LibvirtException libvirt ? $"cannot connect: {libvirt.LibvirtMessage}" : e.Message;

    private bool IsAnswered(string source, string destination) => pairs.TryGetValue((source, destination), out var answer) && answer.Final;

    private static string BaselineKey(string group) => "\0" + group;

    private static bool Alive(ILibvirtConnection connection)
    {
        try
        {
            return connection.IsAlive();
        }
        catch (LibvirtException)
        {
            return false;
        }
    }

    /// <summary>Builds every group from the current configuration and answers, and stages it. No libvirt call.</summary>
    private void Publish()
    {
        // One publication at a time, each from the latest state, so an older one never lands last.
        lock (publishGate)
        {
            var members = Members();
            var groups = new List<GroupReport>();
            lock (gate)
            {
                foreach (var group in members.GroupBy(m => m.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    groups.Add(BuildGroup(group.Key, [.. group]));
                }
            }

            var names = groups.Select(g => g.Group).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in publishedGroups.Keys.Where(g => !names.Contains(g)).ToList())
            {
                publisher.Stage(PublisherKey(gone), []);
                publishedGroups.Remove(gone);
            }

            foreach (var group in groups)
            {
                var samples = FleetSamples.For(group);
                var content = string.Join('\n', samples.Select(s => $"{s.Family.Name}|{string.Join('|', s.LabelValues)}|{s.Value}"));
                if (!publishedGroups.TryGetValue(group.Group, out var previous) || previous != content)
                {
                    publisher.Stage(PublisherKey(group.Group), samples);
                    publishedGroups[group.Group] = content;
                }
            }

            Volatile.Write(ref report, new FleetReport(time.GetUtcNow(), groups));
        }
    }

    private GroupReport BuildGroup(string group, List<FleetMember> members)
    {
        var classified = members.Where(m => m.Class is not null).ToList();
        var classes = classified.GroupBy(m => m.Class!.Id).Select(c =>
        {
            var cpu = c.First().Class!;
            return new ClassReport(cpu.Id, cpu.Arch, cpu.VirtType, cpu.Model, cpu.Vendor, cpu.LibvirtVersion, cpu.HypervisorVersion,
                [.. c.Select(m => m.Name).Order(StringComparer.Ordinal)], [.. c.Where(m => m.Down).Select(m => m.Name).Order(StringComparer.Ordinal)], cpu.CpuXml);
        }).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();

        var pairReports = new List<PairReport>();
        foreach (var source in classes)
        {
            foreach (var destination in classes)
            {
                if (destination.Down.Count == destination.Targets.Count)
                {
                    // A destination that is down cannot take guests nor judge: no stale verdict, no stale blockers.
                    pairReports.Add(new PairReport(source.Id, destination.Id, CompatVerdict.Unknown($"destination down: no target of the class is up ({string.Join(", ", destination.Down)})"), time.GetUtcNow(), null));
                }
                else if (source.Id == destination.Id)
                {
                    pairReports.Add(new PairReport(source.Id, destination.Id, CompatVerdict.SameClass, time.GetUtcNow(), null));
                }
                else if (pairs.TryGetValue((source.Id, destination.Id), out var answer))
                {
                    pairReports.Add(new PairReport(source.Id, destination.Id, answer.Verdict, answer.At, answer.AnsweredBy));
                }
                else
                {
                    pairReports.Add(new PairReport(source.Id, destination.Id, CompatVerdict.Unknown("not checked yet: no member of the destination class could be asked"), time.GetUtcNow(), null));
                }
            }
        }

        var baselineReports = new List<BaselineReport>();
        foreach (var arch in classes.Select(c => c.Arch).Distinct().Order(StringComparer.Ordinal))
        {
            if (!baselines.TryGetValue((group, arch), out var baseline))
            {
                continue;
            }

            // Every target of this host arch: the same targets libvirt_fleet_hosts counts for it.
            var checks = members
                .Where(m => m.Snapshot?.Host?.Host.Cpu.Arch == arch)
                .OrderBy(m => m.Name, StringComparer.Ordinal)
                .Select(m => new TargetCheck(m.Name,
                    m.Down ? CompatVerdict.Unknown("target down: its last poll could not reach it")
                    : m.Class is { } c && baseline.Checks.TryGetValue(c.Id, out var check) ? check.Verdict
                    : CompatVerdict.Unknown(baseline.Cpu is null ? "no baseline CPU" : m.UnclassifiedReason ?? "not checked yet")))
                .ToList();
            baselineReports.Add(new BaselineReport(arch, baseline.Cpu?.Model, baseline.Cpu?.Vendor, baseline.Cpu?.Features ?? [], baseline.Cpu?.Xml, baseline.Message, baseline.ComputedOn, checks));
        }

        return new GroupReport(
            group,
            classes,
            [.. members.Where(m => m.Class is null).OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => new UnclassifiedTarget(m.Name, m.UnclassifiedReason!))],
            pairReports,
            baselineReports,
            GroupInventory.Of(members.Where(m => m.Snapshot is not null).Select(m => m.Snapshot!)));
    }

    [LoggerMessage(LogEvents.FleetRoundFailed, LogLevel.Error, "Fleet compatibility round failed")]
    private partial void LogRoundFailed(Exception exception);

    [LoggerMessage(LogEvents.FleetDestinationFailed, LogLevel.Warning, "Fleet: {Target} cannot answer CPU comparisons now: {Error}")]
    private partial void LogDestinationFailed(string target, string error);

    [LoggerMessage(LogEvents.FleetBaselineFailed, LogLevel.Warning, "Fleet: no baseline CPU for group {Group} arch {Arch} on {Target}: {Error}")]
    private partial void LogBaselineFailed(string group, string arch, string target, string error);

    /// <summary>A question for a destination, asked for a guest arch and virt type: the key is a source class id, or a group's baseline.</summary>
    private sealed record Question(string Key, string CpuXml, string Arch, string VirtType);

    /// <summary>A verdict and whether it is libvirt's judgement (kept) or a transient failure (asked again).</summary>
    private sealed record Answer(CompatVerdict Verdict, DateTimeOffset At, string? AnsweredBy, bool Final);

    /// <summary>A group's baseline for one set of classes, and each class's check of it.</summary>
    private sealed record Baseline(string ClassSet, BaselineCpu? Cpu, string? Message, string ComputedOn, bool Final)
    {
        public Dictionary<string, Answer> Checks { get; } = new(StringComparer.Ordinal);
    }
}
