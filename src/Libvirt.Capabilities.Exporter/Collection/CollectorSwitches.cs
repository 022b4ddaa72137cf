using Libvirt.Capabilities.Exporter.Collection.DomainCaps;
using Libvirt.Capabilities.Exporter.Collection.HostCaps;
using Libvirt.Capabilities.Exporter.Metrics;

namespace Libvirt.Capabilities.Exporter.Collection;

/// <summary>
/// Which metric families are emitted, switched per collector like node_exporter's <c>--collector.NAME</c> /
/// <c>--no-collector.NAME</c> (or <c>Collectors:NAME</c> in the configuration). The switches filter samples after
/// the fingerprints are computed, so a fingerprint stays a property of the capabilities, not of the switches.
/// Families in no collector (info, default machine, fingerprints, health) are always emitted.
/// </summary>
public sealed class CollectorSwitches
{
    /// <summary>One switchable collector: its name, whether it is on by default, and the families it emits.</summary>
    public sealed record Collector(string Name, bool Default, string Help, IReadOnlyList<MetricFamily> Families);

    /// <summary>Every collector is on by default: docs/metrics.md promises these families to dashboards and alerts.</summary>
    public static readonly IReadOnlyList<Collector> All =
    [
        new("host_features", true, "host UUID, power management, IOMMU, migration, security models",
            [HostFeatureCollector.Info, HostFeatureCollector.PowerManagement, HostFeatureCollector.Iommu, HostFeatureCollector.MigrationLive,
             HostFeatureCollector.MigrationTransport, HostFeatureCollector.SecurityModel, HostFeatureCollector.SecurityBaseLabel]),
        new("host_cpu", true, "host CPU model, features, topology, page sizes",
            [HostCpuCollector.Info, HostCpuCollector.Feature, HostCpuCollector.Sockets, HostCpuCollector.Dies, HostCpuCollector.Clusters,
             HostCpuCollector.Cores, HostCpuCollector.Threads, HostCpuCollector.CounterFrequency, HostCpuCollector.MaxPhysAddr, HostCpuCollector.PageSize]),
        new("host_topology", true, "NUMA cells: memory, pages, distances, caches, interconnects",
            [HostTopologyCollector.Cells, HostTopologyCollector.CellMemory, HostTopologyCollector.CellCpus, HostTopologyCollector.CellPages,
             HostTopologyCollector.CellDistance, HostTopologyCollector.CellCacheSize, HostTopologyCollector.CellCacheLine,
             HostTopologyCollector.InterconnectLatency, HostTopologyCollector.InterconnectBandwidth, HostTopologyCollector.CacheBankSize]),
        new("host_numa_cpus", true, "one series per host CPU with its NUMA placement", [HostTopologyCollector.CellCpu]),
        new("host_resource_control", true, "cache and memory-bandwidth allocation (resctrl)",
            [HostResourceControlCollector.CacheControlGranularity, HostResourceControlCollector.CacheControlMin,
             HostResourceControlCollector.CacheControlMaxAllocations, HostResourceControlCollector.BandwidthNode,
             HostResourceControlCollector.BandwidthGranularity, HostResourceControlCollector.BandwidthMin,
             HostResourceControlCollector.BandwidthMaxAllocations, HostResourceControlCollector.MonitorMax,
             HostResourceControlCollector.MonitorReuseThreshold, HostResourceControlCollector.MonitorFeature]),
        new("guest", true, "guest architectures, loaders, domain types, guest features",
            [GuestCollector.ArchInfo, GuestCollector.Loader, GuestCollector.DomainType, GuestCollector.Feature]),
        new("guest_machines", true, "one series per machine type of each guest architecture",
            [GuestCollector.Machine, GuestCollector.MachineMaxCpus, GuestCollector.MachineDeprecated]),
        new("domcaps_elements", true, "supported flags of domain-capabilities elements", [SupportFlagCollector.ElementSupported]),
        new("domcaps_enums", true, "every enum value (disk buses, video models, ...)", [EnumCollector.EnumValue]),
        new("domcaps_cpu_models", true, "CPU modes, named CPU models: usable, blockers, deprecated, aliases",
            [CpuCollector.ModeSupported, CpuCollector.ModelUsable, CpuCollector.ModelBlocker, CpuCollector.ModelDeprecated, CpuCollector.ModelAlias]),
        new("domcaps_host_model", true, "the host-model CPU and its features",
            [CpuCollector.HostModelInfo, CpuCollector.HostModelFeature, CpuCollector.HostModelMaxPhysAddr]),
        new("domcaps_features", true, "domain features (SEV, SGX, GIC, ...) and their details",
            [FeatureCollector.Supported, FeatureCollector.Reported, FeatureCollector.Value, FeatureCollector.Bytes,
             FeatureCollector.DetailInfo, FeatureCollector.SgxSectionBytes]),
        new("other_elements", true, "elements and attributes the typed collectors do not know (lossless export)",
            [OtherFactCollector.Host, OtherFactCollector.DomainCaps]),
    ];

    public static readonly CollectorSwitches Default = new(new Dictionary<string, bool>());

    private readonly HashSet<string> disabledFamilies;

    /// <param name="overrides">Collector name → on/off; collectors not named keep their default.</param>
    public CollectorSwitches(IReadOnlyDictionary<string, bool> overrides)
    {
        Enabled = All.Where(c => overrides.TryGetValue(c.Name, out var on) ? on : c.Default).Select(c => c.Name).ToList();
        disabledFamilies = All.Where(c => !Enabled.Contains(c.Name)).SelectMany(c => c.Families).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Names of the enabled collectors, in declaration order (part of the collection signature).</summary>
    public IReadOnlyList<string> Enabled { get; }

    public static Collector? Find(string name) => All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Removes the samples of disabled collectors.</summary>
    public List<Sample> Apply(List<Sample> samples)
    {
        if (disabledFamilies.Count > 0)
        {
            samples.RemoveAll(s => disabledFamilies.Contains(s.Family.Name));
        }

        return samples;
    }
}
