using Libvirt.Capabilities.Exporter.Collection;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>Everything one poll of one target learned; immutable once built.</summary>
public sealed record TargetSnapshot(
    string Target,
    DateTimeOffset CompletedAt,
    TimeSpan Duration,
    TargetInfo? Info,
    HostCapabilities? Host,
    IReadOnlyList<CollectedDomainCaps> DomainCaps,
    IReadOnlyList<CollectionError> Errors)
{
    /// <summary>The machine libvirt picks by default for each emulator, arch and domain type (machine = the resolved name).</summary>
    public IReadOnlyList<DomainCapsCombination> DefaultMachines { get; init; } = [];

    /// <summary>A hash of every document read and the request it answered: equal hashes mean equal capabilities.</summary>
    public string? ContentHash { get; init; }

    /// <summary>Combinations whose call failed in this poll, published with the data of an earlier poll (stale).</summary>
    public IReadOnlyList<DomainCapsCombination> CarriedOver { get; init; } = [];

    /// <summary>The target answered and its host capabilities parsed; domain-capabilities errors do not make it down.</summary>
    public bool Up => Host is not null;
}

/// <summary>Identity of the libvirt daemon behind a target.</summary>
public sealed record TargetInfo(string Hostname, string LibvirtVersion, string Hypervisor, string HypervisorVersion);

/// <summary>One failed step of a poll. <see cref="Reason"/> is a short, bounded label value.</summary>
public sealed record CollectionError(string Stage, string Reason, string Message, DomainCapsRequest? Request = null);

/// <summary>The arguments of one virConnectGetDomainCapabilities call; a null machine means libvirt's default.</summary>
public sealed record DomainCapsRequest(string? Emulator, string Arch, string? Machine, string VirtType);
