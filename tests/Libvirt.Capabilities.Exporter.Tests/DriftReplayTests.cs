using System.Xml.Linq;
using System.Xml.XPath;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// Replays real QEMU version pairs from libvirt's corpus through the live poll path: a host whose alias (q35,
/// pc, virt) moves to the new version's machine, answering with the recorded documents. The changes the
/// exporter reports, as reported, must equal a diff the test takes from the two XML files itself, in the
/// scopes that diff covers; the machine rename is one change of <c>libvirt_domcaps_info</c>.
/// </summary>
public sealed class DriftReplayTests
{
    internal static readonly HashSet<string> OracleScopes =
    [
        "domcaps_info", "domcaps_cpu_model_usable", "domcaps_enum_value", "domcaps_feature_supported", "domcaps_element_supported",
    ];

    [Theory]
    [InlineData("qemu_5.0.0-virt.riscv64.xml", "qemu_5.2.0-virt.riscv64.xml")]
    [InlineData("qemu_5.0.0-tcg-virt.riscv64.xml", "qemu_5.2.0-tcg-virt.riscv64.xml")]
    [InlineData("qemu_6.2.0-q35.x86_64.xml", "qemu_7.0.0-q35.x86_64.xml")]
    [InlineData("qemu_8.1.0-tcg.x86_64.xml", "qemu_8.2.0-tcg.x86_64.xml")]
    [InlineData("qemu_7.0.0-virt.aarch64.xml", "qemu_8.2.0-virt.aarch64.xml")]
    public async Task Reported_changes_match_an_independent_diff(string before, string after)
    {
        var corpus = TestEnvironment.RequireCorpus();
        var beforeXml = File.ReadAllText(Path.Combine(corpus, "domaincaps", before));
        var afterXml = File.ReadAllText(Path.Combine(corpus, "domaincaps", after));
        using var harness = new PollerHarness();
        var current = beforeXml;
        harness.Libvirt.HostXml = HostOffering(beforeXml);
        harness.Libvirt.DomainCapsXml = (_, _, _, _) => current;
        var poller = harness.Poller();

        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.Empty(harness.Changes.Recent());
        current = afterXml;
        harness.Libvirt.HostXml = HostOffering(afterXml);
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);

        var expected = Diff(Facts(beforeXml), Facts(afterXml));
        var reported = harness.Changes.Recent().Where(c => OracleScopes.Contains(c.Scope)).Select(Describe).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(StringComparer.Ordinal), reported.Order(StringComparer.Ordinal));

        // Reported once: polling the upgraded host again adds nothing.
        var count = harness.Changes.Recent().Count;
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.Equal(count, harness.Changes.Recent().Count);
    }

    /// <summary>A host with the document's emulator, its machine, and the alias QEMU gives it (none for unversioned machines).</summary>
    private static string HostOffering(string domcapsXml)
    {
        var doc = XDocument.Parse(domcapsXml).Root!;
        var (arch, machine) = (doc.Element("arch")!.Value, doc.Element("machine")!.Value);
        var alias = machine switch
        {
            _ when machine.StartsWith("pc-q35-", StringComparison.Ordinal) => "q35",
            _ when machine.StartsWith("pc-i440fx-", StringComparison.Ordinal) => "pc",
            _ when machine.StartsWith("virt-", StringComparison.Ordinal) => "virt",
            _ => null,
        };
        return $"""
            <capabilities><host><cpu><arch>{arch}</arch></cpu></host>
              <guest><os_type>hvm</os_type><arch name='{arch}'><emulator>{doc.Element("path")!.Value}</emulator>
                <machine>{machine}</machine>{(alias is null ? "" : $"<machine canonical='{machine}'>{alias}</machine>")}
                <domain type='{doc.Element("domain")!.Value}'/></arch></guest>
            </capabilities>
            """;
    }

    /// <summary>Facts read straight from the XML with XPath: "scope|key" = value.</summary>
    internal static Dictionary<string, string> Facts(string xml)
    {
        var doc = XDocument.Parse(xml);
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["domcaps_info|"] = $"{doc.Root!.Element("machine")!.Value}|{doc.Root.Element("path")!.Value}",
        };
        foreach (var model in doc.XPathSelectElements("//cpu/mode[@name='custom']/model"))
        {
            var usable = model.Attribute("usable")!.Value switch { "yes" => "1", "no" => "0", _ => "-1" };
            facts[$"domcaps_cpu_model_usable|{model.Value}"] = $"{usable}|{model.Attribute("vendor")?.Value}";
        }

        foreach (var value in doc.XPathSelectElements("//enum/value"))
        {
            var owner = value.Parent!.Parent!;
            var element = owner.Name.LocalName == "mode"
                ? "cpu/" + owner.Attribute("name")!.Value
                : string.Join('/', owner.AncestorsAndSelf().Reverse().Skip(1).Select(e => e.Name.LocalName));
            facts[$"domcaps_enum_value|{element}|{value.Parent.Attribute("name")!.Value}|{value.Value}"] = "1";
        }

        foreach (var feature in doc.XPathSelectElements("/domainCapabilities/features/*[@supported]"))
        {
            facts[$"domcaps_feature_supported|{feature.Name.LocalName}"] = feature.Attribute("supported")!.Value;
        }

        foreach (var element in doc.XPathSelectElements("/domainCapabilities/*[not(self::cpu or self::features)]/descendant-or-self::*[@supported]"))
        {
            var path = string.Join('/', element.AncestorsAndSelf().Reverse().Skip(1).Select(e => e.Name.LocalName));
            facts[$"domcaps_element_supported|{path}"] = element.Attribute("supported")!.Value;
        }

        return facts;
    }

    internal static List<string> Diff(Dictionary<string, string> before, Dictionary<string, string> after)
    {
        var changes = new List<string>();
        changes.AddRange(after.Where(a => !before.ContainsKey(a.Key)).Select(a => $"added {a.Key}"));
        changes.AddRange(before.Where(b => !after.ContainsKey(b.Key)).Select(b => $"removed {b.Key}"));
        changes.AddRange(after.Where(a => before.TryGetValue(a.Key, out var v) && v != a.Value).Select(a => $"changed {a.Key}"));
        return changes;
    }

    /// <summary>A reported change in the oracle's terms: its own labels, minus the combination they all share.</summary>
    private static string Describe(CapabilityChange change)
    {
        var own = change.Labels.Where(l => l.Key is not ("emulator" or "arch" or "machine" or "virt_type")).Select(l => l.Value);
        return $"{change.Change} {change.Scope}|{string.Join('|', own)}";
    }
}
