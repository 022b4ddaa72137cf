namespace Libvirt.Capabilities.Model;

/// <summary>The host CPU as libvirt sees it.</summary>
public sealed record HostCpu(
    string? Arch,
    string? Model,
    string? Vendor,
    string? Microcode,
    CpuSignature? Signature,
    IReadOnlyList<CpuCounter> Counters,
    CpuTopology? Topology,
    MaxPhysAddr? MaxPhysAddr,
    IReadOnlyList<string> Features,
    IReadOnlyList<ulong> PageSizesBytes);

/// <summary>CPUID family, model and stepping.</summary>
public sealed record CpuSignature(string? Family, string? Model, string? Stepping);

/// <summary>A CPU counter (tsc) with its frequency in hertz.</summary>
public sealed record CpuCounter(string Name, ulong? FrequencyHertz, bool? Scaling);

/// <summary>Sockets, dies, clusters, cores and threads; absent values are null.</summary>
public sealed record CpuTopology(uint? Sockets, uint? Dies, uint? Clusters, uint? Cores, uint? Threads);
