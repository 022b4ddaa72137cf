namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>What /api/targets and /readyz know about one target; replaced whole after every poll.</summary>
public sealed record TargetStatus(
    string Name,
    string Uri,
    bool ReadOnly,
    long Polls,
    DateTimeOffset? LastPoll,
    DateTimeOffset? LastSuccess,
    DateTimeOffset? LastChange,
    bool Up,
    bool Stale,
    IReadOnlyList<CollectionError> LastErrors,
    IReadOnlyList<CombinationStatus> Combinations,
    string? HostFingerprint);

/// <summary>
/// A collected domain-capabilities combination: what was asked, the machine libvirt resolved it to, and whether
/// its data comes from an earlier poll (its call failed in the last one).
/// </summary>
public sealed record CombinationStatus(string Emulator, string Arch, string Machine, string VirtType, string? ResolvedMachine, bool Stale);
