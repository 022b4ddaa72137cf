using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>
/// Derives the domain-capabilities calls from host capabilities: for each guest arch and domain type,
/// libvirt's default machine first, then every machine alias (a machine with a <c>canonical</c> attribute,
/// e.g. pc, q35, virt), or under policy <c>all</c> every machine type. Calls whose answer would repeat one
/// already collected are skipped while polling.
/// </summary>
public static class CombinationPlanner
{
    public static IReadOnlyList<DomainCapsRequest> Plan(HostCapabilities host, MachineSelection selection)
    {
        var requests = new List<DomainCapsRequest>();
        foreach (var guest in host.Guests.Where(g => g.OsType == "hvm"))
        {
            foreach (var domain in guest.Domains.Where(d => selection.Accepts(guest.Arch, d.Type)))
            {
                var emulator = domain.Emulator ?? guest.Emulator;
                var machines = domain.Machines.Count > 0 ? domain.Machines : guest.Machines;
                requests.Add(new DomainCapsRequest(emulator, guest.Arch, null, domain.Type));
                requests.AddRange(machines
                    .Where(m => selection.AllMachines || m.Canonical is not null)
                    .Where(m => selection.AcceptsMachine(m.Name, m.Canonical))
                    .Select(m => new DomainCapsRequest(emulator, guest.Arch, m.Name, domain.Type, m.Canonical)));
            }
        }

        return requests;
    }
}
