using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection;

/// <summary>
/// The identity of a domain-capabilities combination: what was asked (emulator, arch, machine, domain type), not
/// what libvirt answered. <see cref="Machine"/> is the alias asked for (<c>q35</c>, <c>pc</c>, <c>virt</c>), the
/// machine type under policy <c>all</c>, or <c>default</c> for libvirt's default machine when no alias names
/// it. So a QEMU upgrade that moves <c>q35</c> from pc-q35-6.2 to pc-q35-7.0 keeps every series of the
/// combination, and the new resolved machine is one changed fact.
/// </summary>
public sealed record DomainCapsCombination(string Emulator, string Arch, string Machine, string VirtType)
{
    public const string DefaultMachine = "default";

    /// <summary>A captured document whose request is not known: named by its own emulator and machine.</summary>
    public static DomainCapsCombination Of(DomainCapabilities caps) =>
        new(caps.EmulatorPath ?? "", caps.Arch, caps.Machine ?? DefaultMachine, caps.DomainType);
}

/// <summary>A domain-capabilities document and the combination it answers.</summary>
public sealed record CollectedDomainCaps(DomainCapsCombination Combination, DomainCapabilities Caps);
