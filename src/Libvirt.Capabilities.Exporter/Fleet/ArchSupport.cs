using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>
/// Whether a hypervisor can run guests of an arch with a virt type at all, as its host capabilities say (a
/// &lt;guest&gt; with that arch and &lt;domain type&gt;). A host-model CPU of another arch is then incompatible
/// without asking libvirt, which would only fail ("unable to find any emulator", "Unknown CPU model") and read
/// as unknown: a kvm guest of an s390x host cannot live-migrate to an x86_64 host.
/// </summary>
public static class ArchSupport
{
    public static bool Offers(HostCapabilities host, string arch, string virtType)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Guests.Any(g => g.OsType == "hvm" && g.Arch == arch && g.Domains.Any(d => d.Type == virtType));
    }

    /// <summary>The verdict when the destination offers no such guests: incompatible, with the reason and no blockers.</summary>
    public static CompatVerdict NotOffered(string arch, string virtType, string? hostArch) =>
        new(CompatOutcome.Incompatible, "incompatible", [],
            $"the destination offers no {virtType} guests of arch {arch} (its host is {hostArch ?? "of unknown arch"}): a guest cannot move to a host of another architecture");
}
