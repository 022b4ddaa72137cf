namespace Libvirt.Capabilities.Model;

/// <summary>The <c>&lt;cpu&gt;</c> section of domain capabilities.</summary>
public sealed record CpuCapabilities(
    IReadOnlyList<CpuMode> Modes,
    HostModelCpu? HostModel,
    IReadOnlyList<CustomCpuModel> CustomModels)
{
    public static readonly CpuCapabilities Empty = new([], null, []);
}

/// <summary>A CPU mode (host-passthrough, maximum, host-model, custom) and whether it is supported.</summary>
public sealed record CpuMode(string Name, bool Supported);

/// <summary>The CPU that mode host-model expands to.</summary>
public sealed record HostModelCpu(
    string? Model,
    string? Fallback,
    string? Vendor,
    MaxPhysAddr? MaxPhysAddr,
    IReadOnlyList<CpuFeaturePolicy> Features);

/// <summary><c>&lt;maxphysaddr mode= limit=/bits=&gt;</c>.</summary>
public sealed record MaxPhysAddr(string Mode, uint? Bits, uint? Limit);

/// <summary>A host-model CPU feature with its policy (require, disable, ...).</summary>
public sealed record CpuFeaturePolicy(string Name, string Policy);

/// <summary>One model of the custom mode, with the features that block it on this host.</summary>
public sealed record CustomCpuModel(
    string Name,
    CpuModelUsability Usable,
    string? Vendor,
    string? Canonical,
    bool? Deprecated,
    IReadOnlyList<string> Blockers);

/// <summary>The <c>usable</c> attribute of a custom CPU model.</summary>
public enum CpuModelUsability
{
    Unknown,
    Yes,
    No,
}
