using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection.DomainCaps;

/// <summary>The document header: which combination was collected and its vCPU limit.</summary>
public static class DomainCapsInfoCollector
{
    public static readonly MetricFamily Info = MetricFamily.DomainCaps(
        "libvirt_domcaps_info",
        "1 for each collected domain-capabilities combination (emulator, arch, machine as asked, domain type), with the machine and emulator libvirt resolved it to.",
        "resolved_machine", "resolved_emulator").WithValueLabels("resolved_machine", "resolved_emulator");

    public static readonly MetricFamily DefaultMachine = MetricFamily.Target(
        "libvirt_domcaps_default_machine_info",
        "1 for the machine type libvirt picks when none is given, per emulator, arch and domain type.",
        "emulator", "arch", "virt_type", "machine").WithValueLabels("machine");

    public static readonly MetricFamily VcpuMax = MetricFamily.DomainCaps(
        "libvirt_domcaps_vcpu_max", "Maximum vCPUs a domain of this combination can have.");

    public static void Collect(DomainCapabilities caps, SampleSink sink)
    {
        sink.Add(Info, 1, caps.Machine, caps.EmulatorPath);
        sink.AddIfKnown(VcpuMax, caps.VcpuMax);
    }
}
