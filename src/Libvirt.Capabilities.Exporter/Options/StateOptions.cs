using System.ComponentModel.DataAnnotations;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>Section <c>State</c>: where the last snapshot per target is kept across restarts, and change history.</summary>
public sealed class StateOptions
{
    public const string Section = "State";
    public const string DefaultDirectory = "/var/lib/libvirt-capabilities-exporter/state";
    public const int DefaultChangeHistory = 1000;

    /// <summary>Empty disables persistence (drift across restarts is then not detected). Flag: --state.directory.</summary>
    public string Directory { get; set; } = DefaultDirectory;

    /// <summary>Changes kept for /api/changes.</summary>
    [Range(1, 1_000_000, ErrorMessage = "State:ChangeHistory must be between 1 and 1000000.")]
    public int ChangeHistory { get; set; } = DefaultChangeHistory;
}
