namespace Libvirt.Capabilities.Model;

/// <summary>A memory-side cache of a NUMA cell (HMAT).</summary>
public sealed record NumaCellCache(uint Level, string Associativity, string Policy, ulong? SizeBytes, ulong? LineBytes);

/// <summary>
/// A HMAT interconnect between an initiator and a target cell: latency in nanoseconds, or bandwidth in
/// bytes per second, for access type read, write or access.
/// </summary>
public sealed record NumaInterconnect(string Kind, uint Initiator, uint Target, uint? Cache, string Type, double Value);
