using System.Diagnostics;
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
    /// <param name="abandoned">Set when the caller gave up waiting (timeout): the collection stops at the next
    /// step and records nothing more, so a late answer never counts against the target.</param>
    public TargetSnapshot Collect(string target, ILibvirtConnection connection, MachineSelection selection, CancellationToken abandoned = default)
    {
        using var activity = Telemetry.Source.StartActivity("poll");
        activity?.SetTag("libvirt.target", target);
        var started = time.GetTimestamp();
        var errors = new List<CollectionError>();

        var run = new Run(target, errors, abandoned);
        var info = Step(run, "identity", () => new TargetInfo(
            Call(run, "virConnectGetHostname", connection.GetHostname),
            Call(run, "virConnectGetLibVersion", connection.GetLibVersion),
            Call(run, "virConnectGetType", connection.GetHypervisorType),
            Call(run, "virConnectGetVersion", connection.GetHypervisorVersion)));

        var host = Step(run, "host", () =>
            HostCapabilitiesParser.Parse(Call(run, "virConnectGetCapabilities", connection.GetCapabilities)));

        var domainCaps = host is null ? [] : CollectDomainCaps(run, connection, host, selection);
        if (errors.Count > 0)
        {
            activity?.SetStatus(ActivityStatusCode.Error, errors[0].Message);
        }

        return new TargetSnapshot(target, time.GetUtcNow(), time.GetElapsedTime(started), info, host, domainCaps, errors);
    }

    private List<DomainCapabilities> CollectDomainCaps(Run run, ILibvirtConnection connection, HostCapabilities host, MachineSelection selection)
    {
        var errors = run.Errors;
        var collected = new List<DomainCapabilities>();
        var seen = new HashSet<(string?, string, string?, string)>();
        foreach (var request in CombinationPlanner.Plan(host, selection))
        {
            if (run.Abandoned.IsCancellationRequested)
            {
                break;
            }

            // An alias whose canonical machine was already reported (libvirt's default is usually one) adds nothing.
            var resolved = request.Canonical ?? request.Machine;
            if (resolved is not null && seen.Contains((request.Emulator, request.Arch, resolved, request.VirtType)))
            {
                continue;
            }

            var caps = Step(run, "domain", () => DomainCapabilitiesParser.Parse(Call(
                run,
                "virConnectGetDomainCapabilities",
                () => connection.GetDomainCapabilities(request.Emulator, request.Arch, request.Machine, request.VirtType))), request);
            // The default machine is only known once libvirt names it, so machine patterns apply to it here.
            if (caps is not null
                && (request.Machine is not null || selection.AcceptsMachine(caps.Machine))
                && seen.Add((caps.EmulatorPath ?? request.Emulator, caps.Arch, caps.Machine, caps.DomainType)))
            {
                collected.Add(caps);
            }

            // A read-only connection refuses every domain-capabilities call: one error says it all.
            if (errors.Count > 0 && errors[^1].Reason == ErrorReasons.ReadOnly)
            {
                break;
            }
        }

        return collected;
    }

    private T? Step<T>(Run run, string stage, Func<T> step, DomainCapsRequest? request = null)
        where T : class
    {
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
    private sealed record Run(string Target, List<CollectionError> Errors, CancellationToken Abandoned);
}
