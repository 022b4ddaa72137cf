using System.ComponentModel.DataAnnotations;

// TimeSpan bounds are checked by PollOptionsSemanticValidator: RangeAttribute on TimeSpan is not trim-safe.

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>Section <c>Poll</c>: defaults for every target's polling loop.</summary>
public sealed class PollOptions
{
    public const string Section = "Poll";

    /// <summary>Capabilities change on upgrades, not by the second; libvirt needs seconds per full poll.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    /// <summary>A full poll of a host with several emulators takes tens of seconds when libvirt re-validates its cache.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan DefaultBackoffInitial = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultBackoffMax = TimeSpan.FromMinutes(5);
    public const double DefaultJitter = 0.1;

    /// <summary>Time between polls of a target. Flag: --poll.interval.</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>Deadline for opening a connection and for one whole collection. Flag: --poll.timeout.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>Random spread of each interval (0.1 = ±10%), so many exporters do not poll in lockstep.</summary>
    [Range(0.0, 0.5, ErrorMessage = "Poll:Jitter must be between 0 and 0.5.")]
    public double Jitter { get; set; } = DefaultJitter;

    /// <summary>First wait after a failed poll; doubles on each further failure up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffInitial { get; set; } = DefaultBackoffInitial;

    public TimeSpan BackoffMax { get; set; } = DefaultBackoffMax;
}
