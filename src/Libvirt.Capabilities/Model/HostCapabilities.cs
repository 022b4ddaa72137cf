namespace Libvirt.Capabilities.Model;

/// <summary>
/// One virConnectGetCapabilities document: the host and the guests it can run, plus every attribute and
/// text the typed model does not cover (<see cref="Other"/>), so nothing a newer libvirt reports is lost.
/// </summary>
public sealed record HostCapabilities(Host Host, IReadOnlyList<Guest> Guests, IReadOnlyList<OtherFact> Other);

/// <summary>The <c>&lt;host&gt;</c> section.</summary>
public sealed record Host(
    string? Uuid,
    HostCpu Cpu,
    IReadOnlyList<string> PowerManagement,
    bool? Iommu,
    Migration? Migration,
    IReadOnlyList<NumaCell> NumaCells,
    IReadOnlyList<NumaInterconnect> Interconnects,
    IReadOnlyList<CacheBank> CacheBanks,
    IReadOnlyList<MemoryBandwidthNode> MemoryBandwidth,
    IReadOnlyList<ResourceMonitor> Monitors,
    IReadOnlyList<SecurityModel> SecurityModels);

/// <summary>Live migration support and the URI transports libvirt offers.</summary>
public sealed record Migration(bool Live, IReadOnlyList<string> UriTransports);

/// <summary>A security driver (selinux, apparmor, dac) and its base labels per domain type.</summary>
public sealed record SecurityModel(string Model, string? Doi, IReadOnlyList<BaseLabel> BaseLabels);

/// <summary>The label a domain of this type starts with.</summary>
public sealed record BaseLabel(string VirtType, string Label);
