using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection.HostCaps;

/// <summary>Resource control (resctrl): cache allocation per bank, memory-bandwidth allocation, and monitors.</summary>
public static class HostResourceControlCollector
{
    public static readonly MetricFamily CacheControlGranularity = MetricFamily.Target(
        "libvirt_host_cache_control_granularity_bytes", "Allocation granularity of a host cache bank for one cache type (resctrl CAT).", "bank", "level", "type");

    public static readonly MetricFamily CacheControlMin = MetricFamily.Target(
        "libvirt_host_cache_control_min_bytes", "Smallest allocation of a host cache bank for one cache type.", "bank", "level", "type");

    public static readonly MetricFamily CacheControlMaxAllocations = MetricFamily.Target(
        "libvirt_host_cache_control_max_allocations", "Allocations a host cache bank supports at once for one cache type.", "bank", "level", "type");

    public static readonly MetricFamily BandwidthNode = MetricFamily.Target(
        "libvirt_host_memory_bandwidth_node_info", "1 for each memory-bandwidth allocation node (resctrl MBA), with its CPUs.", "node", "cpus").WithValueLabels("cpus");

    public static readonly MetricFamily BandwidthGranularity = MetricFamily.Target(
        "libvirt_host_memory_bandwidth_granularity_percent", "Memory-bandwidth allocation granularity, in percent of the bandwidth.", "node");

    public static readonly MetricFamily BandwidthMin = MetricFamily.Target(
        "libvirt_host_memory_bandwidth_min_percent", "Smallest memory-bandwidth allocation, in percent of the bandwidth.", "node");

    public static readonly MetricFamily BandwidthMaxAllocations = MetricFamily.Target(
        "libvirt_host_memory_bandwidth_max_allocations", "Memory-bandwidth allocations a node supports at once.", "node");

    public static readonly MetricFamily MonitorMax = MetricFamily.Target(
        "libvirt_host_resource_monitor_max_monitors", "Monitors available for a resource (cache, memory_bandwidth, energy); level is set for cache.", "resource", "level");

    public static readonly MetricFamily MonitorReuseThreshold = MetricFamily.Target(
        "libvirt_host_resource_monitor_reuse_threshold_bytes", "Cache occupancy below which a freed cache monitor is reused.", "resource", "level");

    public static readonly MetricFamily MonitorFeature = MetricFamily.Target(
        "libvirt_host_resource_monitor_feature", "1 for each event a resource monitor can measure (llc_occupancy, mbm_total_bytes, ...).", "resource", "level", "feature");

    public static void Collect(HostCapabilities caps, SampleSink sink)
    {
        var host = caps.Host;
        foreach (var bank in host.CacheBanks)
        {
            foreach (var control in bank.Controls)
            {
                var labels = new[] { LabelValue.Of(bank.Id), LabelValue.Of(bank.Level), control.Type };
                sink.Add(CacheControlGranularity, control.GranularityBytes, labels);
                sink.AddIfKnown(CacheControlMin, control.MinBytes, labels);
                sink.AddIfKnown(CacheControlMaxAllocations, control.MaxAllocations, labels);
            }
        }

        foreach (var node in host.MemoryBandwidth)
        {
            var id = LabelValue.Of(node.Id);
            sink.Add(BandwidthNode, 1, id, node.Cpus);
            sink.AddIfKnown(BandwidthGranularity, node.GranularityPercent, id);
            sink.AddIfKnown(BandwidthMin, node.MinPercent, id);
            sink.AddIfKnown(BandwidthMaxAllocations, node.MaxAllocations, id);
        }

        foreach (var monitor in host.Monitors)
        {
            var level = monitor.Level is { } l ? LabelValue.Of(l) : "";
            sink.Add(MonitorMax, monitor.MaxMonitors, monitor.Resource, level);
            sink.AddIfKnown(MonitorReuseThreshold, monitor.ReuseThresholdBytes, monitor.Resource, level);
            foreach (var feature in monitor.Features)
            {
                sink.Add(MonitorFeature, 1, monitor.Resource, level, feature);
            }
        }
    }
}
