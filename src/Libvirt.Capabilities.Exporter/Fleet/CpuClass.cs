using System.Security.Cryptography;
using System.Text;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>
/// Targets that offer guests the same host-model CPU under the same libvirt and hypervisor versions: any two
/// members are compatible without asking, and one member answers for all when the class is a destination.
/// Calls and series therefore grow with the number of classes, not with hosts squared.
/// </summary>
/// <param name="Id">Stable label value: the model, then a hash of everything that defines the class.</param>
/// <param name="CpuXml">The host-model CPU as <c>&lt;cpu mode='custom' match='exact'&gt;</c>.</param>
public sealed record CpuClass(
    string Id,
    string Arch,
    string VirtType,
    string? Model,
    string? Vendor,
    string CpuXml,
    string LibvirtVersion,
    string HypervisorVersion)
{
    /// <summary>
    /// The class of a target from its last complete poll: the host-model CPU of the domain capabilities for the
    /// host arch and virt type kvm where offered (qemu otherwise). Null when there is none (read-only
    /// connection, no domain capabilities, or a driver without host-model).
    /// </summary>
    public static CpuClass? Of(TargetSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Host?.Host.Cpu.Arch is not { } arch
            || Primary(snapshot.DomainCaps.Select(c => c.Caps), arch) is not { } caps
            || caps.Cpu.HostModel is not { } cpu
            || !caps.Cpu.Modes.Any(m => m.Name == "host-model" && m.Supported))
        {
            return null;
        }

        var xml = HostModelCpuXml.Render(cpu);
        var libvirtVersion = snapshot.Info?.LibvirtVersion ?? "";
        var hypervisorVersion = snapshot.Info?.HypervisorVersion ?? "";
        var key = string.Join('\n', arch, caps.DomainType, xml, libvirtVersion, hypervisorVersion);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8];
        return new CpuClass($"{cpu.Model ?? "none"}@{hash}", arch, caps.DomainType, cpu.Model, cpu.Vendor, xml, libvirtVersion, hypervisorVersion);
    }

    /// <summary>
    /// The domain capabilities that stand for a host and arch: virt type kvm where offered, qemu otherwise. The
    /// first collected is libvirt's default machine; the CPU section does not depend on the machine type anyway.
    /// </summary>
    public static DomainCapabilities? Primary(IEnumerable<DomainCapabilities> documents, string arch)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var candidates = documents.Where(d => d.Arch == arch).ToList();
        return candidates.FirstOrDefault(d => d.DomainType == "kvm") ?? candidates.FirstOrDefault(d => d.DomainType == "qemu");
    }

    /// <summary>Orders members oldest first by libvirt, then hypervisor version: the baseline is computed on the oldest.</summary>
    public static int CompareAge(CpuClass a, CpuClass b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var byLibvirt = ParseVersion(a.LibvirtVersion).CompareTo(ParseVersion(b.LibvirtVersion));
        return byLibvirt != 0 ? byLibvirt : ParseVersion(a.HypervisorVersion).CompareTo(ParseVersion(b.HypervisorVersion));
    }

    // An unknown version sorts last: a member whose version is known to be old is the safer choice.
    private static Version ParseVersion(string text) => Version.TryParse(text, out var version) ? version : new Version(int.MaxValue, 0);
}
