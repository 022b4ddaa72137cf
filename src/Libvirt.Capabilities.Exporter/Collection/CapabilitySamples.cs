using Libvirt.Capabilities.Exporter.Collection.DomainCaps;
using Libvirt.Capabilities.Exporter.Collection.HostCaps;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection;

/// <summary>Runs every section collector over parsed documents. Pure: no I/O, no prometheus-net.</summary>
public static class CapabilitySamples
{
    public static void AddHost(List<Sample> samples, string target, HostCapabilities host)
    {
        var sink = new SampleSink(samples, target);
        HostFeatureCollector.Collect(host, sink);
        HostCpuCollector.Collect(host, sink);
        HostTopologyCollector.Collect(host, sink);
        HostResourceControlCollector.Collect(host, sink);
        GuestCollector.Collect(host, sink);
        OtherFactCollector.Collect(host.Other, OtherFactCollector.Host, sink);
    }

    public static void AddDomainCaps(List<Sample> samples, string target, CollectedDomainCaps collected)
    {
        var (combination, caps) = (collected.Combination, collected.Caps);
        var sink = new SampleSink(samples, target, combination.Emulator, combination.Arch, combination.Machine, combination.VirtType);
        DomainCapsInfoCollector.Collect(caps, sink);
        SupportFlagCollector.Collect(caps, sink);
        EnumCollector.Collect(caps, sink);
        CpuCollector.Collect(caps, sink);
        FeatureCollector.Collect(caps, sink);
        OtherFactCollector.Collect(caps.Other, OtherFactCollector.DomainCaps, sink);
    }

    /// <summary>The machine libvirt picks by default for each emulator, arch and domain type.</summary>
    public static void AddDefaultMachines(List<Sample> samples, string target, IReadOnlyList<DomainCapsCombination> defaults)
    {
        var sink = new SampleSink(samples, target);
        foreach (var machine in defaults)
        {
            sink.Add(DomainCapsInfoCollector.DefaultMachine, 1, machine.Emulator, machine.Arch, machine.VirtType, machine.Machine);
        }
    }
}
