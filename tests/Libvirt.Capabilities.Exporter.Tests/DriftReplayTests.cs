using System.Text.RegularExpressions;
using System.Xml.Linq;
using System.Xml.XPath;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// Replays real version pairs from libvirt's corpus through the live poll path (a connection that serves
/// the recorded XML) and checks the reported changes against a diff the test takes from the two files.
/// The machine label is left out of the comparison: a QEMU upgrade renames the default machine
/// (pc-q35-9.0 to pc-q35-9.1), which the exporter rightly reports as one combination replacing another.
/// </summary>
public sealed partial class DriftReplayTests
{
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
        harness.Libvirt.DomainCapsXml = (_, _, _, _) => current;
        var poller = harness.Poller();

        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.Empty(harness.Changes.Recent());
        current = afterXml;
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);

        var expected = Diff(Facts(beforeXml), Facts(afterXml));
        var reported = NetOfMachine(harness.Changes.Recent());
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(StringComparer.Ordinal), reported.Order(StringComparer.Ordinal));

        // Reported once: polling the upgraded host again adds nothing.
        var count = harness.Changes.Recent().Count;
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.Equal(count, harness.Changes.Recent().Count);
    }

    /// <summary>Facts read straight from the XML with XPath: "kind|key = value".</summary>
    private static Dictionary<string, string> Facts(string xml)
    {
        var doc = XDocument.Parse(xml);
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in doc.XPathSelectElements("//cpu/mode[@name='custom']/model"))
        {
            facts[$"usable|{model.Value}|{model.Attribute("vendor")?.Value}"] = model.Attribute("usable")!.Value switch { "yes" => "1", "no" => "0", _ => "-1" };
        }

        foreach (var value in doc.XPathSelectElements("//enum/value"))
        {
            var owner = value.Parent!.Parent!;
            var element = owner.Name.LocalName == "mode"
                ? "cpu/" + owner.Attribute("name")!.Value
                : string.Join('/', owner.AncestorsAndSelf().Reverse().Skip(1).Select(e => e.Name.LocalName));
            facts[$"enum|{element}|{value.Parent.Attribute("name")!.Value}|{value.Value}"] = "1";
        }

        foreach (var feature in doc.XPathSelectElements("/domainCapabilities/features/*[@supported]"))
        {
            facts[$"feature|{feature.Name.LocalName}"] = feature.Attribute("supported")!.Value == "yes" ? "1" : "0";
        }

        return facts;
    }

    private static List<string> Diff(Dictionary<string, string> before, Dictionary<string, string> after)
    {
        var changes = new List<string>();
        changes.AddRange(after.Where(a => !before.ContainsKey(a.Key)).Select(a => $"added {a.Key}"));
        changes.AddRange(before.Where(b => !after.ContainsKey(b.Key)).Select(b => $"removed {b.Key}"));
        changes.AddRange(after.Where(a => before.TryGetValue(a.Key, out var v) && v != a.Value).Select(a => $"changed {a.Key}"));
        return changes;
    }

    /// <summary>The exporter's changes in the same scopes and terms, with machine renames netted out.</summary>
    private static List<string> NetOfMachine(List<CapabilityChange> changes)
    {
        var removed = new Dictionary<string, double?>(StringComparer.Ordinal);
        var added = new Dictionary<string, double?>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var change in changes)
        {
            var labels = Labels().Matches(change.Series).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            var key = change.Scope switch
            {
                "domcaps_cpu_model_usable" => $"usable|{labels["model"]}|{labels["vendor"]}",
                "domcaps_enum_value" => $"enum|{labels["element"]}|{labels["enum"]}|{labels["value"]}",
                "domcaps_feature_supported" => $"feature|{labels["feature"]}",
                _ => null,
            };
            switch (key, change.Change)
            {
                case (null, _):
                    break;
                case (_, DriftDetector.Removed):
                    removed[key] = change.OldValue;
                    break;
                case (_, DriftDetector.Added):
                    added[key] = change.NewValue;
                    break;
                default:
                    result.Add($"changed {key}");
                    break;
            }
        }

        result.AddRange(added.Where(a => !removed.ContainsKey(a.Key)).Select(a => $"added {a.Key}"));
        result.AddRange(removed.Where(r => !added.ContainsKey(r.Key)).Select(r => $"removed {r.Key}"));
        result.AddRange(added.Where(a => removed.TryGetValue(a.Key, out var old) && old != a.Value).Select(a => $"changed {a.Key}"));
        return result;
    }

    [GeneratedRegex("""(\w+)="((?:[^"\\]|\\.)*)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Labels();
}
