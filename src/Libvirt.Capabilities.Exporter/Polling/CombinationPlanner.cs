using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>
/// Derives the domain-capabilities calls from host capabilities: for each guest arch and domain type, libvirt's
/// default machine, then every machine alias (a machine with a <c>canonical</c> attribute, e.g. pc, q35, virt),
/// or under policy <c>all</c> every machine type, concrete machines before aliases so that an alias reuses the
/// document of the machine it resolves to instead of asking again.
/// </summary>
public static class CombinationPlanner
{
    public static IReadOnlyList<DomainCapsGroup> Plan(HostCapabilities host, MachineSelection selection)
    {
        var groups = new List<DomainCapsGroup>();
        foreach (var guest in host.Guests.Where(g => g.OsType == "hvm"))
        {
            foreach (var domain in guest.Domains.Where(d => selection.Accepts(guest.Arch, d.Type)))
            {
                var machines = domain.Machines.Count > 0 ? domain.Machines : guest.Machines;
                groups.Add(new DomainCapsGroup(
                    domain.Emulator ?? guest.Emulator,
                    guest.Arch,
                    domain.Type,
                    [.. machines
                        .Where(m => selection.AllMachines || m.Canonical is not null)
                        .Where(m => selection.AcceptsMachine(m.Name, m.Canonical))
                        .OrderBy(m => m.Canonical is not null)]));
            }
        }

        return groups;
    }
}

/// <summary>One emulator, arch and domain type, with the machines to collect besides libvirt's default.</summary>
public sealed record DomainCapsGroup(string? Emulator, string Arch, string VirtType, IReadOnlyList<GuestMachine> Machines);
