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
    }

    public static void AddDomainCaps(List<Sample> samples, string target, DomainCapabilities caps)
    {
        var sink = new SampleSink(samples, target, caps.EmulatorPath ?? "", caps.Arch, caps.Machine ?? "", caps.DomainType);
        DomainCapsInfoCollector.Collect(caps, sink);
        SupportFlagCollector.Collect(caps, sink);
        EnumCollector.Collect(caps, sink);
        CpuCollector.Collect(caps, sink);
        FeatureCollector.Collect(caps, sink);
    }
}
