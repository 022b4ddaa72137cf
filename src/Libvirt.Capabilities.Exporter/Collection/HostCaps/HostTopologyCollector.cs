using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection.HostCaps;

/// <summary>The host <c>&lt;topology&gt;</c> (NUMA cells) and <c>&lt;cache&gt;</c> banks.</summary>
public static class HostTopologyCollector
{
    public static readonly MetricFamily Cells = MetricFamily.Target("libvirt_host_numa_cells", "Number of host NUMA cells.");

    public static readonly MetricFamily CellMemory = MetricFamily.Target(
        "libvirt_host_numa_cell_memory_bytes", "Memory of a host NUMA cell.", "cell").AsCapacity();

    public static readonly MetricFamily CellCpus = MetricFamily.Target(
        "libvirt_host_numa_cell_cpus", "Logical CPUs in a host NUMA cell.", "cell");

    public static readonly MetricFamily CellCpu = MetricFamily.Target(
        "libvirt_host_numa_cell_cpu_info", "1 for each logical CPU of a NUMA cell, with its socket, die, cluster, core and thread siblings.",
        "cell", "cpu", "socket", "die", "cluster", "core", "siblings").WithValueLabels("socket", "die", "cluster", "core", "siblings");

    public static readonly MetricFamily CellPages = MetricFamily.Target(
        "libvirt_host_numa_cell_pages", "Pages of one size in a host NUMA cell.", "cell", "size_bytes").AsCapacity();

    public static readonly MetricFamily CellDistance = MetricFamily.Target(
        "libvirt_host_numa_cell_distance", "NUMA distance from a cell to a sibling cell.", "cell", "sibling");

    public static readonly MetricFamily CellCacheSize = MetricFamily.Target(
        "libvirt_host_numa_cell_cache_size_bytes", "Size of a memory-side cache of a NUMA cell (HMAT).", "cell", "level", "associativity", "policy");

    public static readonly MetricFamily CellCacheLine = MetricFamily.Target(
        "libvirt_host_numa_cell_cache_line_bytes", "Line size of a memory-side cache of a NUMA cell (HMAT).", "cell", "level", "associativity", "policy");

    public static readonly MetricFamily InterconnectLatency = MetricFamily.Target(
        "libvirt_host_numa_interconnect_latency_seconds", "Access latency from an initiator cell to a target cell or its cache (HMAT).", "initiator_cell", "target_cell", "cache", "type");

    public static readonly MetricFamily InterconnectBandwidth = MetricFamily.Target(
        "libvirt_host_numa_interconnect_bandwidth_bytes_per_second", "Access bandwidth from an initiator cell to a target cell or its cache (HMAT).", "initiator_cell", "target_cell", "cache", "type");

    public static readonly MetricFamily CacheBankSize = MetricFamily.Target(
        "libvirt_host_cache_bank_size_bytes", "Size of a host cache bank.", "bank", "level", "type", "cpus").WithValueLabels("cpus");

    public static void Collect(HostCapabilities caps, SampleSink sink)
    {
        var host = caps.Host;
        if (host.NumaCells.Count > 0)
        {
            sink.Add(Cells, host.NumaCells.Count);
        }

        foreach (var cell in host.NumaCells)
        {
            var id = LabelValue.Of(cell.Id);
            sink.AddIfKnown(CellMemory, cell.MemoryBytes, id);
            sink.Add(CellCpus, cell.CpuCount, id);
            foreach (var cpu in cell.Cpus)
            {
                sink.Add(CellCpu, 1, id, LabelValue.Of(cpu.Id), cpu.SocketId, cpu.DieId, cpu.ClusterId, cpu.CoreId, cpu.Siblings);
            }

            foreach (var pages in cell.Pages)
            {
                sink.Add(CellPages, pages.Count, id, LabelValue.Of(pages.SizeBytes));
            }

            foreach (var distance in cell.Distances)
            {
                sink.Add(CellDistance, distance.Value, id, LabelValue.Of(distance.Sibling));
            }

            foreach (var cache in cell.Caches)
            {
                sink.AddIfKnown(CellCacheSize, cache.SizeBytes, id, LabelValue.Of(cache.Level), cache.Associativity, cache.Policy);
                sink.AddIfKnown(CellCacheLine, cache.LineBytes, id, LabelValue.Of(cache.Level), cache.Associativity, cache.Policy);
            }
        }

        foreach (var link in host.Interconnects)
        {
            var cache = link.Cache is { } level ? LabelValue.Of(level) : "";
            if (link.Kind == "latency")
            {
                sink.Add(InterconnectLatency, link.Value / 1e9, LabelValue.Of(link.Initiator), LabelValue.Of(link.Target), cache, link.Type);
            }
            else
            {
                sink.Add(InterconnectBandwidth, link.Value, LabelValue.Of(link.Initiator), LabelValue.Of(link.Target), cache, link.Type);
            }
        }

        foreach (var bank in host.CacheBanks)
        {
            sink.Add(CacheBankSize, bank.SizeBytes, LabelValue.Of(bank.Id), LabelValue.Of(bank.Level), bank.Type, bank.Cpus);
        }
    }
}
