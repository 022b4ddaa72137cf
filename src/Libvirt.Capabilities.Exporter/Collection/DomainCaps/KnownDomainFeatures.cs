namespace Libvirt.Capabilities.Exporter.Collection.DomainCaps;

/// <summary>
/// The children of <c>&lt;features&gt;</c> in libvirt's domaincaps.rng (v12.8.0). A known feature that a
/// document does not report is exported as reported=0, so "absent" is visible rather than missing.
/// </summary>
public static class KnownDomainFeatures
{
    public static readonly IReadOnlyList<string> Names =
    [
        "gic", "vmcoreinfo", "genid", "backingStoreInput", "backup", "async-teardown", "s390-pv", "ps2",
        "tdx", "sev", "sgx", "hyperv", "launchSecurity",
    ];
}
