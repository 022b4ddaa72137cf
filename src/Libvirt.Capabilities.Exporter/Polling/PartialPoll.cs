using Libvirt.Capabilities.Exporter.Collection;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>
/// A poll that read the host capabilities but lost some domain-capabilities calls to transient errors (a
/// libvirt error, a parse error) is still published: the failed combinations keep the data of the last poll
/// that had it, marked stale, and the rest is fresh. Drift is unaffected by the failure: carried-over data
/// compares equal, and a group that has never been collected is adopted silently once it is (its first data
/// is not "added" drift).
/// </summary>
/// <remarks>
/// Combinations are matched by their group (emulator, arch, domain type): a failed call of a group carries
/// over that group's missing combinations, since which alias resolves to which machine is only known from
/// the answers.
/// </remarks>
public static class PartialPoll
{
    /// <summary>The domain-capabilities requests that failed for a reason that may pass (not read-only, not unsupported).</summary>
    public static List<DomainCapsRequest> TransientFailures(TargetSnapshot snapshot) =>
    [
        .. snapshot.Errors
            .Where(e => e.Stage == "domain" && e.Request is not null && e.Reason is not (ErrorReasons.ReadOnly or ErrorReasons.NotSupported))
            .Select(e => e.Request!),
    ];

    /// <summary>
    /// <paramref name="snapshot"/> plus, for each group with a failed request, the combinations and default
    /// machines of <paramref name="lastGood"/> that this poll lacks. <see cref="TargetSnapshot.CarriedOver"/>
    /// lists the combinations taken over.
    /// </summary>
    public static TargetSnapshot CarryOver(TargetSnapshot snapshot, TargetSnapshot? lastGood, IReadOnlyList<DomainCapsRequest> failed)
    {
        if (failed.Count == 0 || lastGood is null)
        {
            return snapshot;
        }

        var present = snapshot.DomainCaps.Select(c => c.Combination).ToHashSet();
        var carried = lastGood.DomainCaps
            .Where(c => !present.Contains(c.Combination) && failed.Any(r => InGroup(r, c.Combination.Emulator, c.Combination.Arch, c.Combination.VirtType)))
            .ToList();
        var defaults = lastGood.DefaultMachines
            .Where(d => !snapshot.DefaultMachines.Any(n => SameGroup(n, d)) && failed.Any(r => InGroup(r, d.Emulator, d.Arch, d.VirtType)))
            .ToList();
        if (carried.Count == 0 && defaults.Count == 0)
        {
            return snapshot;
        }

        return snapshot with
        {
            DomainCaps = [.. snapshot.DomainCaps, .. carried],
            DefaultMachines = [.. snapshot.DefaultMachines, .. defaults],
            CarriedOver = [.. carried.Select(c => c.Combination)],
        };
    }

    /// <summary>
    /// Groups (see <see cref="GroupOf(string, string, string)"/>) with a failed request for which no earlier data
    /// could be carried over: their first data must not count as drift.
    /// </summary>
    public static IEnumerable<string> Uncollected(TargetSnapshot merged, IReadOnlyList<DomainCapsRequest> failed) =>
        failed
            .Where(r => r.Machine is null
                ? !merged.DefaultMachines.Any(d => InGroup(r, d.Emulator, d.Arch, d.VirtType))
                : !merged.DomainCaps.Any(c => c.Combination.Machine == r.Machine && InGroup(r, c.Combination.Emulator, c.Combination.Arch, c.Combination.VirtType)))
            .Select(r => GroupOf(r.Emulator ?? "", r.Arch, r.VirtType))
            .Distinct();

    /// <summary>The group of a drift fact's labels, or null for facts that belong to no domain-capabilities group.</summary>
    public static string? GroupOf(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue("emulator", out var emulator) && labels.TryGetValue("arch", out var arch) && labels.TryGetValue("virt_type", out var virtType)
            ? GroupOf(emulator, arch, virtType)
            : null;

    public static string GroupOf(string emulator, string arch, string virtType) => emulator + "|" + arch + "|" + virtType;

    // A request without an emulator (libvirt's default one) matches the group whatever emulator libvirt named.
    private static bool InGroup(DomainCapsRequest request, string emulator, string arch, string virtType) =>
        request.Arch == arch && request.VirtType == virtType && (request.Emulator is null || request.Emulator == emulator);

    private static bool SameGroup(DomainCapsCombination a, DomainCapsCombination b) =>
        a.Emulator == b.Emulator && a.Arch == b.Arch && a.VirtType == b.VirtType;
}
