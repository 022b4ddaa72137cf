namespace Libvirt.Capabilities.Model;

/// <summary>Cache allocation (resctrl CAT) a cache bank offers for one cache type.</summary>
public sealed record CacheControl(string Type, ulong GranularityBytes, ulong? MinBytes, uint? MaxAllocations);

/// <summary>A memory-bandwidth allocation node (resctrl MBA); values are percent of the bandwidth.</summary>
public sealed record MemoryBandwidthNode(uint Id, string Cpus, uint? GranularityPercent, uint? MinPercent, uint? MaxAllocations);

/// <summary>A resctrl monitor: cache, memory bandwidth or energy, with the features it can measure.</summary>
/// <param name="Resource">cache, memory_bandwidth or energy.</param>
public sealed record ResourceMonitor(string Resource, uint? Level, ulong? ReuseThresholdBytes, uint MaxMonitors, IReadOnlyList<string> Features);
