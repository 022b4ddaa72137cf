namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>Everything the fleet knows, per group, as served by /api/compat; replaced whole after each round.</summary>
public sealed record FleetReport(DateTimeOffset? ComputedAt, IReadOnlyList<GroupReport> Groups)
{
    public static readonly FleetReport Empty = new(null, []);
}

/// <summary>One group: its CPU classes, the compatibility of every ordered pair, its baselines and inventory.</summary>
public sealed record GroupReport(
    string Group,
    IReadOnlyList<ClassReport> Classes,
    IReadOnlyList<UnclassifiedTarget> Unclassified,
    IReadOnlyList<PairReport> Pairs,
    IReadOnlyList<BaselineReport> Baselines,
    GroupInventory Inventory);

/// <summary>
/// A CPU class and the targets in it; <see cref="Down"/> are those whose last poll failed (they keep the class of
/// their last complete poll). <see cref="CpuXml"/> is the host-model CPU as compared.
/// </summary>
public sealed record ClassReport(
    string Id,
    string Arch,
    string VirtType,
    string? Model,
    string? Vendor,
    string LibvirtVersion,
    string HypervisorVersion,
    IReadOnlyList<string> Targets,
    IReadOnlyList<string> Down,
    string CpuXml);

/// <summary>A target without a host-model CPU to compare (read-only, not polled yet, no domain capabilities).</summary>
public sealed record UnclassifiedTarget(string Target, string Reason);

/// <summary>Can guests with the source class's host-model CPU run on the destination class.</summary>
/// <param name="AnsweredBy">The destination target whose libvirt answered; null when no call was needed or made.</param>
public sealed record PairReport(string Source, string Destination, CompatVerdict Verdict, DateTimeOffset CheckedAt, string? AnsweredBy);

/// <summary>The baseline CPU of one arch of a group, and whether each target can run it.</summary>
/// <param name="Xml">The CPU definition to paste into a domain's XML; null when libvirt could not compute one.</param>
/// <param name="ComputedOn">The member (oldest libvirt/QEMU) that computed it.</param>
public sealed record BaselineReport(
    string Arch,
    string? Model,
    string? Vendor,
    IReadOnlyList<Libvirt.Capabilities.Model.CpuFeaturePolicy> Features,
    string? Xml,
    string? Message,
    string? ComputedOn,
    IReadOnlyList<TargetCheck> Targets);

/// <summary>One target's answer to "can you run the baseline CPU".</summary>
public sealed record TargetCheck(string Target, CompatVerdict Verdict);
