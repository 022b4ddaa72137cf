namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>Section <c>Libvirt</c>: the targets and which domain-capabilities combinations to collect.</summary>
public sealed class LibvirtOptions
{
    public const string Section = "Libvirt";

    public const string DefaultUri = "qemu:///system";

    /// <summary>Targets to poll; none configured means one target, <see cref="DefaultUri"/>.</summary>
    public List<TargetOptions> Targets { get; set; } = [];

    public MachineSelection Machines { get; set; } = new();

    public IReadOnlyList<TargetOptions> EffectiveTargets =>
        Targets.Count > 0 ? Targets : [new TargetOptions { Uri = DefaultUri }];
}
