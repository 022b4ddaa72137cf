using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection.DomainCaps;

/// <summary>The document header: which combination was collected and its vCPU limit.</summary>
public static class DomainCapsInfoCollector
{
    public static readonly MetricFamily Info = MetricFamily.DomainCaps(
        "libvirt_domcaps_info", "1 for each collected domain-capabilities combination (emulator, arch, machine as reported, domain type).");

    public static readonly MetricFamily VcpuMax = MetricFamily.DomainCaps(
        "libvirt_domcaps_vcpu_max", "Maximum vCPUs a domain of this combination can have.");

    public static void Collect(DomainCapabilities caps, SampleSink sink)
    {
        sink.Add(Info, 1);
        sink.AddIfKnown(VcpuMax, caps.VcpuMax);
    }
}
