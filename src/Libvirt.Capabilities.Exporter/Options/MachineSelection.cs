using System.IO.Enumeration;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>
/// Which (arch, machine, domain type) combinations get a domain-capabilities call. <c>default</c>: libvirt's
/// default machine plus every alias with a canonical machine (pc, q35, virt); <c>all</c>: every machine type.
/// Include/exclude lists take glob patterns (<c>*</c>, <c>?</c>) and narrow either policy.
/// </summary>
public sealed class MachineSelection
{
    public const string DefaultPolicy = "default";
    public const string AllPolicy = "all";
    public static readonly IReadOnlyList<string> Policies = [DefaultPolicy, AllPolicy];

    public string Policy { get; set; } = DefaultPolicy;

    public List<string> IncludeArch { get; set; } = [];
    public List<string> ExcludeArch { get; set; } = [];
    public List<string> IncludeMachine { get; set; } = [];
    public List<string> ExcludeMachine { get; set; } = [];
    public List<string> IncludeVirtType { get; set; } = [];
    public List<string> ExcludeVirtType { get; set; } = [];

    public bool AllMachines => Policy == AllPolicy;

    public bool Accepts(string arch, string virtType) =>
        Matches(arch, IncludeArch, ExcludeArch) && Matches(virtType, IncludeVirtType, ExcludeVirtType);

    /// <summary>Machine patterns see the name libvirt reports (pc-q35-7.2) and the alias asked for (q35).</summary>
    public bool AcceptsMachine(params string?[] names) =>
        names.Any(n => n is not null && Matches(n, IncludeMachine, [])) && !names.Any(n => n is not null && ExcludeMachine.Any(p => Glob(n, p)));

    private static bool Matches(string value, List<string> include, List<string> exclude) =>
        (include.Count == 0 || include.Any(p => Glob(value, p))) && !exclude.Any(p => Glob(value, p));

    private static bool Glob(string value, string pattern) => FileSystemName.MatchesSimpleExpression(pattern, value, ignoreCase: false);
}
