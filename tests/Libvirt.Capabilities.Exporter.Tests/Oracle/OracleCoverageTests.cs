using System.Text.RegularExpressions;
using System.Xml.Linq;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests.Oracle;

/// <summary>
/// The oracle knows every family the exporter derives from host and domain capabilities (the reference table of
/// docs/metrics.md), so the replay tests, which compare all reported changes with it, leave no family unchecked.
/// </summary>
public sealed class OracleCoverageTests
{
    /// <summary>Not compared by drift (docs/metrics.md): hashes and the host UUID. The default machine comes from a call, not a document.</summary>
    private static readonly string[] NotFromOneDocument =
    [
        "libvirt_host_capabilities_fingerprint_info", "libvirt_domcaps_fingerprint_info", "libvirt_host_info", "libvirt_domcaps_default_machine_info",
    ];

    [Fact]
    public void The_synthetic_documents_give_a_fact_of_every_documented_family()
    {
        var documented = Regex.Matches(File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "metrics.md")), @"^\| `(?<name>libvirt_(host|guest|domcaps)_[a-z_]+)` \|", RegexOptions.Multiline)
            .Select(m => m.Groups["name"].Value)
            .Except(NotFromOneDocument)
            .Order(StringComparer.Ordinal)
            .ToList();
        var facts = new OracleFacts();
        HostCapsOracle.Add(facts, XDocument.Load(TestEnvironment.FixturePath("oracle", "hostcaps-newer.xml")));
        DomainCapsOracle.Add(facts, XDocument.Load(TestEnvironment.FixturePath("oracle", "domcaps-newer.xml")), new("/usr/bin/qemu-system-x86_64", "x86_64", "q35", "kvm"));

        Assert.NotEmpty(documented);
        Assert.Equal(documented, facts.All.Select(f => f.Family).Distinct().Order(StringComparer.Ordinal));
    }
}
