using Libvirt.Capabilities.Exporter.Collection;
using System.Diagnostics;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Model;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>
/// One full collection from an open connection: identity, host capabilities, then every planned
/// domain-capabilities combination. Each failing step is recorded and the rest still runs.
/// </summary>
public sealed class TargetCollector(HealthMetrics health, TimeProvider time)
{
    /// <summary>
    /// The last poll's documents, parsed, by request. A steady host answers with the same bytes every poll, and
    /// parsing is most of what a poll costs the exporter itself: an identical document reuses its (immutable) model.
    /// Only the target's one worker thread runs <see cref="Collect"/>, one collection at a time.
    /// </summary>
    private Dictionary<string, (UInt128 Hash, object Model)> lastParsed = new(StringComparer.Ordinal);

    /// <param name="progress">Told the stage of each step, so a timeout can say where the call hung.</param>
    /// <param name="abandoned">Set when the caller gave up waiting (timeout): the collection stops at the next
    /// step, a parse in progress stops too, and nothing more is recorded, so a late answer never counts against the target.</param>
    public TargetSnapshot Collect(
        string target, ILibvirtConnection connection, MachineSelection selection, TargetWorker.Progress? progress = null, CancellationToken abandoned = default)
    {
        using var activity = Telemetry.Source.StartActivity("poll");
        activity?.SetTag("libvirt.target", target);
        var started = time.GetTimestamp();
        var errors = new List<CollectionError>();

        var content = new XxHash128();
        var run = new Run(target, errors, progress ?? new TargetWorker.Progress(), content, new(StringComparer.Ordinal), abandoned);
        var info = Step(run, "identity", () => new TargetInfo(
            Call(run, "virConnectGetHostname", connection.GetHostname),
            Call(run, "virConnectGetLibVersion", connection.GetLibVersion),
            Call(run, "virConnectGetType", connection.GetHypervisorType),
            Call(run, "virConnectGetVersion", connection.GetHypervisorVersion)));

        var host = Step(run, "host", () => Parse(
            run, "", Call(run, "virConnectGetCapabilities", connection.GetCapabilities), xml => HostCapabilitiesParser.Parse(xml, XmlLimits.Default, run.Abandoned)));

        var (domainCaps, defaults) = host is null ? ([], []) : CollectDomainCaps(run, connection, host, selection);
        if (!abandoned.IsCancellationRequested)
        {
            lastParsed = run.Parsed; // Documents that are gone or failed this time are forgotten.
        }

        if (errors.Count > 0)
        {
            activity?.SetStatus(ActivityStatusCode.Error, errors[0].Message);
        }

        return new TargetSnapshot(target, time.GetUtcNow(), time.GetElapsedTime(started), info, host, domainCaps, errors)
        {
            DefaultMachines = defaults,
            ContentHash = Convert.ToHexStringLower(content.GetHashAndReset()),
        };
    }

    /// <summary>
    /// Per group: libvirt's default machine first, then each planned machine, reusing a document already
    /// collected for the machine a name resolves to. The default is its own combination only when no planned
    /// name resolved to it.
    /// </summary>
    private (List<CollectedDomainCaps> Collected, List<DomainCapsCombination> Defaults) CollectDomainCaps(
        Run run, ILibvirtConnection connection, HostCapabilities host, MachineSelection selection)
    {
        var collected = new List<CollectedDomainCaps>();
        var defaults = new List<DomainCapsCombination>();
        foreach (var group in CombinationPlanner.Plan(host, selection))
        {
            if (run.Abandoned.IsCancellationRequested)
            {
                break;
            }

            var defaultCaps = Fetch(run, connection, group, null);
            if (RefusedForGood(run))
            {
                break; // A read-only connection refuses every domain-capabilities call: one error says it all.
            }

            var emulator = group.Emulator ?? defaultCaps?.EmulatorPath ?? "";
            var byResolvedMachine = new Dictionary<string, DomainCapabilities>(StringComparer.Ordinal);
            if (defaultCaps?.Machine is { } defaultMachine)
            {
                byResolvedMachine[defaultMachine] = defaultCaps;
                defaults.Add(new DomainCapsCombination(emulator, group.Arch, defaultMachine, group.VirtType));
            }

            var defaultNamed = false;
            foreach (var machine in group.Machines)
            {
                if (!byResolvedMachine.TryGetValue(machine.Canonical ?? machine.Name, out var caps))
                {
                    caps = Fetch(run, connection, group, machine.Name);
                    if (caps is null)
                    {
                        continue;
                    }

                    byResolvedMachine.TryAdd(caps.Machine ?? machine.Name, caps);
                }

                defaultNamed |= ReferenceEquals(caps, defaultCaps);
                collected.Add(new CollectedDomainCaps(new DomainCapsCombination(emulator, group.Arch, machine.Name, group.VirtType), caps));
            }

            // The default machine is only known once libvirt names it, so machine patterns apply to it here.
            if (defaultCaps is not null && !defaultNamed && selection.AcceptsMachine(defaultCaps.Machine))
            {
                collected.Add(new CollectedDomainCaps(
                    new DomainCapsCombination(emulator, group.Arch, DomainCapsCombination.DefaultMachine, group.VirtType), defaultCaps));
            }
        }

        return (collected, defaults);
    }

    private DomainCapabilities? Fetch(Run run, ILibvirtConnection connection, DomainCapsGroup group, string? machine) =>
        Step(run, "domain", () => Parse(
            run,
            $"{group.Emulator}|{group.Arch}|{machine}|{group.VirtType}",
            Call(run, "virConnectGetDomainCapabilities", () => connection.GetDomainCapabilities(group.Emulator, group.Arch, machine, group.VirtType)),
            xml => DomainCapabilitiesParser.Parse(xml, XmlLimits.Default, run.Abandoned)), new DomainCapsRequest(group.Emulator, group.Arch, machine, group.VirtType));

    /// <summary>
    /// Adds a document and the request it answers to the poll's content hash, and parses it unless the last poll
    /// got the same bytes for the same request.
    /// </summary>
    private T Parse<T>(Run run, string request, string xml, Func<string, T> parse)
        where T : class
    {
        var hash = XxHash128.HashToUInt128(MemoryMarshal.AsBytes(xml.AsSpan()));
        AddToContent(run, request + "\n");
        run.Content.Append(MemoryMarshal.AsBytes(new ReadOnlySpan<UInt128>(in hash)));
        var model = lastParsed.TryGetValue(request, out var last) && last.Hash == hash && last.Model is T known ? known : parse(xml);
        run.Parsed[request] = (hash, model);
        return model;
    }

    /// <summary>The poll's content hash covers each request and the hash of its answer (or its failure).</summary>
    private static void AddToContent(Run run, string text) => run.Content.Append(MemoryMarshal.AsBytes(text.AsSpan()));

    private static bool RefusedForGood(Run run) => run.Errors.Count > 0 && run.Errors[^1].Reason == ErrorReasons.ReadOnly;

    private T? Step<T>(Run run, string stage, Func<T> step, DomainCapsRequest? request = null)
        where T : class
    {
        run.Progress.Stage = stage;
        try
        {
            return step();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (run.Abandoned.IsCancellationRequested)
            {
                return null; // The poll already failed with a timeout; the dropped connection's errors are noise.
            }

            var reason = ErrorReasons.Classify(e);
            if (request is not null)
            {
                // A failed call is part of what the poll saw: its hash must differ from a poll where it succeeded or was not made.
                AddToContent(run, $"failed {request}\n");
            }

            run.Errors.Add(new CollectionError(stage, reason, e.Message, request));
            health.CountError(run.Target, reason);
            return null;
        }
    }

    private T Call<T>(Run run, string api, Func<T> call)
    {
        using var activity = Telemetry.Source.StartActivity(api);
        var started = time.GetTimestamp();
        try
        {
            return call();
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            if (!run.Abandoned.IsCancellationRequested)
            {
                health.ObserveApiCall(run.Target, api, time.GetElapsedTime(started));
            }
        }
    }

    /// <summary>The state one collection threads through its steps.</summary>
    private sealed record Run(
        string Target,
        List<CollectionError> Errors,
        TargetWorker.Progress Progress,
        XxHash128 Content,
        Dictionary<string, (UInt128 Hash, object Model)> Parsed,
        CancellationToken Abandoned);
}
