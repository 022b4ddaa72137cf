namespace Libvirt.Capabilities.Model;

/// <summary>One NUMA cell of the host topology.</summary>
public sealed record NumaCell(
    uint Id,
    ulong? MemoryBytes,
    IReadOnlyList<PageCount> Pages,
    uint CpuCount,
    IReadOnlyList<CellCpu> Cpus,
    IReadOnlyList<NumaDistance> Distances,
    IReadOnlyList<NumaCellCache> Caches);

/// <summary>Where one logical CPU of a cell sits: socket, die, cluster, core and its thread siblings.</summary>
public sealed record CellCpu(uint Id, string? SocketId, string? DieId, string? ClusterId, string? CoreId, string? Siblings);

/// <summary>Free-standing pages of one size in a cell.</summary>
public sealed record PageCount(ulong SizeBytes, ulong Count);

/// <summary>Distance from a cell to a sibling cell.</summary>
public sealed record NumaDistance(uint Sibling, uint Value);

/// <summary>A host cache bank.</summary>
public sealed record CacheBank(uint Id, uint Level, string Type, ulong SizeBytes, string Cpus, IReadOnlyList<CacheControl> Controls);
