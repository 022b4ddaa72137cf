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

/// <summary>A collected domain-capabilities combination: what was asked, and the machine libvirt resolved it to.</summary>
public sealed record CombinationStatus(string Emulator, string Arch, string Machine, string VirtType, string? ResolvedMachine);
