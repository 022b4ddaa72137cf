namespace Libvirt.Capabilities.Model;

/// <summary>A <c>&lt;guest&gt;</c>: one OS type and architecture with its emulator, machines and domain types.</summary>
public sealed record Guest(
    string OsType,
    string Arch,
    uint? WordSize,
    string? Emulator,
    string? Loader,
    IReadOnlyList<GuestMachine> Machines,
    IReadOnlyList<GuestDomain> Domains,
    IReadOnlyList<GuestFeature> Features);

/// <summary>A machine type; aliases (pc, q35, virt) carry the canonical name they resolve to.</summary>
public sealed record GuestMachine(string Name, string? Canonical, uint? MaxCpus, bool? Deprecated);

/// <summary>A domain type (kvm, qemu, ...), optionally with its own emulator and machines.</summary>
public sealed record GuestDomain(string Type, string? Emulator, IReadOnlyList<GuestMachine> Machines);

/// <summary>A guest feature (acpi, apic, pae, disksnapshot, ...), with default and toggle where given.</summary>
public sealed record GuestFeature(string Name, string? Default, string? Toggle);
