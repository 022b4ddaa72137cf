namespace Libvirt.Capabilities.Model;

/// <summary>
/// One virConnectGetDomainCapabilities document: what a VM started with this emulator, arch, machine and
/// domain type can use. Sections whose content is only "supported" flags and enums (os, devices,
/// memoryBacking, iothreads, and any element a newer libvirt adds) are kept generically, by element path,
/// so nothing a newer libvirt reports is lost; attributes and text outside those conventions are <see cref="Other"/>.
/// </summary>
public sealed record DomainCapabilities(
    string? EmulatorPath,
    string DomainType,
    string? Machine,
    string Arch,
    uint? VcpuMax,
    IReadOnlyList<SupportFlag> SupportFlags,
    IReadOnlyList<CapabilityEnum> Enums,
    CpuCapabilities Cpu,
    IReadOnlyList<DomainFeature> Features,
    IReadOnlyList<OtherFact> Other);

/// <summary>An element with a <c>supported</c> attribute, e.g. <c>os/loader</c> or <c>devices/disk</c>.</summary>
/// <param name="Element">Path of element names below the root.</param>
public sealed record SupportFlag(string Element, bool Supported);

/// <summary>
/// <c>&lt;enum name=...&gt;</c> values under an element. Values directly under an element (loader firmware
/// paths) use the enum name <c>value</c>; CPU mode enums use the element <c>cpu/&lt;mode name&gt;</c>.
/// </summary>
public sealed record CapabilityEnum(string Element, string Name, IReadOnlyList<string> Values);
