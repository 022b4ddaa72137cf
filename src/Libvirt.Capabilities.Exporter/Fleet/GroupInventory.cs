using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>
/// What the hosts of one group offer by name, from the capabilities already collected (no libvirt call): hosts
/// per guest arch, on how many hosts each CPU model is usable, on how many each machine type is offered.
/// </summary>
public sealed record GroupInventory(
    IReadOnlyList<ArchHosts> Hosts,
    IReadOnlyList<CpuModelHosts> CpuModels,
    IReadOnlyList<MachineTypeHosts> MachineTypes)
{
    public static GroupInventory Of(IEnumerable<TargetSnapshot> snapshots)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var hosts = new Dictionary<string, int>(StringComparer.Ordinal);
        var models = new Dictionary<(string Arch, string Model), (int Usable, int Deprecated)>();
        var machines = new Dictionary<(string Arch, string Machine), int>();
        foreach (var snapshot in snapshots)
        {
            if (snapshot.Host is not { } host)
            {
                continue;
            }

            foreach (var guests in host.Guests.Where(g => g.OsType == "hvm").GroupBy(g => g.Arch))
            {
                Increment(hosts, guests.Key);
                foreach (var machine in guests.SelectMany(MachineNames).Distinct(StringComparer.Ordinal))
                {
                    Increment(machines, (guests.Key, machine));
                }

                if (CpuClass.Primary(snapshot.DomainCaps.Select(c => c.Caps), guests.Key) is { } caps)
                {
                    CountModels(models, guests.Key, caps.Cpu.CustomModels);
                }
            }
        }

        return new GroupInventory(
            [.. hosts.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => new ArchHosts(h.Key, h.Value))],
            [.. models.OrderBy(m => m.Key.Arch, StringComparer.Ordinal).ThenBy(m => m.Key.Model, StringComparer.Ordinal)
                .Select(m => new CpuModelHosts(m.Key.Arch, m.Key.Model, m.Value.Usable, m.Value.Deprecated))],
            [.. machines.OrderBy(m => m.Key.Arch, StringComparer.Ordinal).ThenBy(m => m.Key.Machine, StringComparer.Ordinal)
                .Select(m => new MachineTypeHosts(m.Key.Arch, m.Key.Machine, m.Value))]);
    }

    private static IEnumerable<string> MachineNames(Guest guest) =>
        guest.Machines.Concat(guest.Domains.SelectMany(d => d.Machines)).Select(m => m.Name);

    /// <summary>
    /// One host counts once per model, keyed on libvirt's canonical name where it gives one (EPYC → EPYC-v1), so an
    /// alias and its versioned model are one row. Models no host can use stay visible with 0.
    /// </summary>
    private static void CountModels(Dictionary<(string, string), (int Usable, int Deprecated)> models, string arch, IReadOnlyList<CustomCpuModel> offered)
    {
        foreach (var byKey in offered.GroupBy(m => m.Canonical ?? m.Name, StringComparer.Ordinal))
        {
            var key = (arch, byKey.Key);
            var (usable, deprecated) = models.GetValueOrDefault(key);
            models[key] = (
                usable + (byKey.Any(m => m.Usable == CpuModelUsability.Yes) ? 1 : 0),
                deprecated + (byKey.Any(m => m.Deprecated == true) ? 1 : 0));
        }
    }

    private static void Increment<TKey>(Dictionary<TKey, int> counts, TKey key)
        where TKey : notnull => counts[key] = counts.GetValueOrDefault(key) + 1;
}

/// <summary>How many hosts of a group offer hvm guests of an arch.</summary>
public sealed record ArchHosts(string Arch, int Hosts);

/// <summary>On how many hosts a CPU model (canonical name) is usable, and on how many it is marked deprecated.</summary>
public sealed record CpuModelHosts(string Arch, string Model, int UsableHosts, int DeprecatedHosts);

/// <summary>On how many hosts a machine type (name or alias) is offered.</summary>
public sealed record MachineTypeHosts(string Arch, string Machine, int Hosts);
