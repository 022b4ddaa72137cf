using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>
/// What the hosts of one group offer by name, from the capabilities already collected (no libvirt call), per host
/// arch: guests migrate only between hosts of one arch, so that is what hosts, usable models, machine types,
/// CPU classes and the baseline are counted over (a host's emulated foreign arches are not part of it). Hosts per
/// arch, on how many of them each CPU model is usable, on how many each machine type is offered.
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
            if (snapshot.Host?.Host.Cpu.Arch is not { } arch)
            {
                continue;
            }

            Increment(hosts, arch);
            var guests = snapshot.Host.Guests.Where(g => g.OsType == "hvm" && g.Arch == arch);
            foreach (var machine in guests.SelectMany(MachineNames).Distinct(StringComparer.Ordinal))
            {
                Increment(machines, (arch, machine));
            }

            if (CpuClass.Primary(snapshot.DomainCaps.Select(c => c.Caps), arch) is { } caps)
            {
                CountModels(models, arch, caps.Cpu.CustomModels);
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
    /// One host counts once per model name as libvirt reports it: the name a domain's &lt;model&gt; uses, and the
    /// key of libvirt_domcaps_cpu_model_usable. Not the canonical name: libvirt 11 reports Skylake-Client with
    /// canonical='Skylake-Client-v1' and lists Skylake-Client-v1 too, while older libvirt reports Skylake-Client
    /// only; keying on canonical would count one model under two keys in a mixed group. Each name has its own
    /// usable attribute, so an alias and its versioned model are separate rows that both count correctly. Models
    /// no host can use stay visible with 0.
    /// </summary>
    private static void CountModels(Dictionary<(string, string), (int Usable, int Deprecated)> models, string arch, IReadOnlyList<CustomCpuModel> offered)
    {
        foreach (var byName in offered.GroupBy(m => m.Name, StringComparer.Ordinal))
        {
            var key = (arch, byName.Key);
            var (usable, deprecated) = models.GetValueOrDefault(key);
            models[key] = (
                usable + (byName.Any(m => m.Usable == CpuModelUsability.Yes) ? 1 : 0),
                deprecated + (byName.Any(m => m.Deprecated == true) ? 1 : 0));
        }
    }

    private static void Increment<TKey>(Dictionary<TKey, int> counts, TKey key)
        where TKey : notnull => counts[key] = counts.GetValueOrDefault(key) + 1;
}

/// <summary>How many hosts of a group have a host CPU of an arch.</summary>
public sealed record ArchHosts(string Arch, int Hosts);

/// <summary>On how many hosts a CPU model (the name libvirt reports) is usable, and on how many it is marked deprecated.</summary>
public sealed record CpuModelHosts(string Arch, string Model, int UsableHosts, int DeprecatedHosts);

/// <summary>On how many hosts a machine type (name or alias) is offered.</summary>
public sealed record MachineTypeHosts(string Arch, string Machine, int Hosts);
