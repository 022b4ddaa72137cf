using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection.HostCaps;

/// <summary>The host <c>&lt;cpu&gt;</c>: identity, features, topology, counters and page sizes.</summary>
public static class HostCpuCollector
{
    public static readonly MetricFamily Info = MetricFamily.Target(
        "libvirt_host_cpu_info", "1 for the host CPU (arch, model, vendor, microcode version, CPUID signature).",
        "arch", "model", "vendor", "microcode", "family", "signature_model", "stepping").WithValueLabels("arch", "model", "vendor", "microcode", "family", "signature_model", "stepping");

    public static readonly MetricFamily Feature = MetricFamily.Target(
        "libvirt_host_cpu_feature", "1 for each feature of the host CPU.", "feature");

    public static readonly MetricFamily Sockets = MetricFamily.Target("libvirt_host_cpu_topology_sockets", "Host CPU sockets.");
    public static readonly MetricFamily Dies = MetricFamily.Target("libvirt_host_cpu_topology_dies", "Host CPU dies per socket.");
    public static readonly MetricFamily Clusters = MetricFamily.Target("libvirt_host_cpu_topology_clusters", "Host CPU clusters per die.");
    public static readonly MetricFamily Cores = MetricFamily.Target("libvirt_host_cpu_topology_cores", "Host CPU cores per cluster.");
    public static readonly MetricFamily Threads = MetricFamily.Target("libvirt_host_cpu_topology_threads", "Host CPU threads per core.");

    public static readonly MetricFamily CounterFrequency = MetricFamily.Target(
        "libvirt_host_cpu_clock_frequency_hertz", "Frequency of a host CPU clock counter (tsc), with whether it can be scaled.", "clock", "scaling").WithValueLabels("scaling");

    public static readonly MetricFamily MaxPhysAddr = MetricFamily.Target(
        "libvirt_host_cpu_physical_address_width", "Physical address width of the host CPU, in bits, by maxphysaddr mode.", "mode");

    public static readonly MetricFamily PageSize = MetricFamily.Target(
        "libvirt_host_page_size_supported", "1 for each memory page size the host supports.", "size_bytes");

    public static void Collect(HostCapabilities caps, SampleSink sink)
    {
        var cpu = caps.Host.Cpu;
        sink.Add(Info, 1, cpu.Arch, cpu.Model, cpu.Vendor, cpu.Microcode, cpu.Signature?.Family, cpu.Signature?.Model, cpu.Signature?.Stepping);
        foreach (var feature in cpu.Features)
        {
            sink.Add(Feature, 1, feature);
        }

        if (cpu.Topology is { } topology)
        {
            sink.AddIfKnown(Sockets, topology.Sockets);
            sink.AddIfKnown(Dies, topology.Dies);
            sink.AddIfKnown(Clusters, topology.Clusters);
            sink.AddIfKnown(Cores, topology.Cores);
            sink.AddIfKnown(Threads, topology.Threads);
        }

        foreach (var counter in cpu.Counters)
        {
            sink.AddIfKnown(CounterFrequency, counter.FrequencyHertz, counter.Name, counter.Scaling switch { true => "yes", false => "no", null => "" });
        }

        if (cpu.MaxPhysAddr is { } maxPhys)
        {
            sink.AddIfKnown(MaxPhysAddr, maxPhys.Bits ?? maxPhys.Limit, maxPhys.Mode);
        }

        foreach (var size in cpu.PageSizesBytes)
        {
            sink.Add(PageSize, 1, LabelValue.Of(size));
        }
    }
}
