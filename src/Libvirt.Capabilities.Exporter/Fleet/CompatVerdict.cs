using System.Text.Json.Serialization;
using Libvirt.Capabilities.Connection;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>One answer of virConnectCompareHypervisorCPU, or why there is none.</summary>
/// <param name="Result">libvirt's result: identical, superset or incompatible; null when unknown.</param>
/// <param name="Blockers">The features libvirt names as blocking (incompatible only; may be empty, e.g. another vendor).</param>
/// <param name="Message">libvirt's message as given (incompatible and unknown), for humans.</param>
public sealed record CompatVerdict(CompatOutcome Outcome, string? Result, IReadOnlyList<string> Blockers, string? Message)
{
    /// <summary>Two targets of one CPU class: the destination provides exactly the source's host-model CPU.</summary>
    public static readonly CompatVerdict SameClass = new(CompatOutcome.Compatible, "identical", [], null);

    public static CompatVerdict Of(CpuComparison comparison) => comparison switch
    {
        CpuComparison.Identical => new(CompatOutcome.Compatible, "identical", [], null),
        CpuComparison.Superset => new(CompatOutcome.Compatible, "superset", [], null),
        _ => new(CompatOutcome.Incompatible, "incompatible", [], null),
    };

    public static CompatVerdict Incompatible(string message) =>
        new(CompatOutcome.Incompatible, "incompatible", IncompatibilityMessage.Blockers(message), message);

    public static CompatVerdict Unknown(string message) => new(CompatOutcome.Unknown, null, [], message);

    /// <summary>The gauge value: 1 compatible, 0 incompatible, -1 unknown.</summary>
    [JsonIgnore]
    public double Value => Outcome switch
    {
        CompatOutcome.Compatible => 1,
        CompatOutcome.Incompatible => 0,
        _ => -1,
    };

    /// <summary>compatible, incompatible or unknown.</summary>
    [JsonIgnore]
    public string OutcomeName => Outcome.ToString().ToLowerInvariant();
}
