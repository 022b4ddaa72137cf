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
    public TargetSnapshot Collect(string target, ILibvirtConnection connection, MachineSelection selection)
    {
        using var activity = Telemetry.Source.StartActivity("poll");
        activity?.SetTag("libvirt.target", target);
        var started = time.GetTimestamp();
        var errors = new List<CollectionError>();

        var info = Step(target, "identity", errors, () => new TargetInfo(
            Call(target, "virConnectGetHostname", connection.GetHostname),
            Call(target, "virConnectGetLibVersion", connection.GetLibVersion),
            Call(target, "virConnectGetType", connection.GetHypervisorType),
            Call(target, "virConnectGetVersion", connection.GetHypervisorVersion)));

        var host = Step(target, "host", errors, () =>
            HostCapabilitiesParser.Parse(Call(target, "virConnectGetCapabilities", connection.GetCapabilities)));

        var domainCaps = host is null ? [] : CollectDomainCaps(target, connection, host, selection, errors);
        if (errors.Count > 0)
        {
            activity?.SetStatus(ActivityStatusCode.Error, errors[0].Message);
        }

        return new TargetSnapshot(target, time.GetUtcNow(), time.GetElapsedTime(started), info, host, domainCaps, errors);
    }

    private List<DomainCapabilities> CollectDomainCaps(
        string target, ILibvirtConnection connection, HostCapabilities host, MachineSelection selection, List<CollectionError> errors)
    {
        var collected = new List<DomainCapabilities>();
        var seen = new HashSet<(string?, string, string?, string)>();
        foreach (var request in CombinationPlanner.Plan(host, selection))
        {
            // An alias whose canonical machine was already reported (libvirt's default is usually one) adds nothing.
            var resolved = request.Machine is null ? null : CombinationPlanner.CanonicalOf(host, request) ?? request.Machine;
            if (resolved is not null && seen.Contains((request.Emulator, request.Arch, resolved, request.VirtType)))
            {
                continue;
            }

            var caps = Step(target, "domain", errors, () => DomainCapabilitiesParser.Parse(Call(
                target,
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

    private T? Step<T>(string target, string stage, List<CollectionError> errors, Func<T> step, DomainCapsRequest? request = null)
        where T : class
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var reason = ErrorReasons.Classify(e);
            errors.Add(new CollectionError(stage, reason, e.Message, request));
            health.CountError(target, reason);
            return null;
        }
    }

    private T Call<T>(string target, string api, Func<T> call)
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
            health.ObserveApiCall(target, api, time.GetElapsedTime(started));
        }
    }
}
