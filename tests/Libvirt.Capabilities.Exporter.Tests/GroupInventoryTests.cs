using System.Xml.Linq;
using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Parsing;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>Models and machine types per group, from corpus documents of two libvirt generations.</summary>
public sealed class GroupInventoryTests
{
    private const string Newer = "qemu_11.0.0-q35.x86_64+sgx.xml";
    private const string Older = "qemu_9.1.0-q35.x86_64.xml";

    /// <summary>
    /// The newest libvirt reports Nehalem with canonical='Nehalem-v1' and lists Nehalem-v1 as well; libvirt 10.7
    /// reports Nehalem only. Keyed on the name as reported, Nehalem counts both hosts and Nehalem-v1 the newer one,
    /// whatever generation each host runs. The expected counts come from the documents' XML, not from the parser.
    /// </summary>
    [Fact]
    public void Models_are_keyed_on_the_reported_name_so_two_libvirt_generations_count_alike()
    {
        var newer = TestEnvironment.ReadCorpusFile("domaincaps", Newer);
        var older = TestEnvironment.ReadCorpusFile("domaincaps", Older);
        Assert.Contains("canonical='Nehalem-v1'>Nehalem<", newer, StringComparison.Ordinal);
        Assert.DoesNotContain("canonical=", older, StringComparison.Ordinal);
        var inventory = Inventory(newer, older);

        var expected = new[] { newer, older }
            .SelectMany(Models)
            .GroupBy(m => m.Name)
            .ToDictionary(g => g.Key, g => (Usable: g.Count(m => m.Usable), Deprecated: g.Count(m => m.Deprecated)));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), inventory.CpuModels.Select(m => m.Model));
        Assert.All(inventory.CpuModels, m => Assert.Equal(expected[m.Model], (m.UsableHosts, m.DeprecatedHosts)));
        Assert.Equal(2, inventory.CpuModels.Single(m => m.Model == "Nehalem").UsableHosts);
        Assert.Equal(1, inventory.CpuModels.Single(m => m.Model == "Nehalem-v1").UsableHosts);
        Assert.Equal(2, Assert.Single(inventory.Hosts).Hosts);
    }

    [Fact]
    public void Deprecated_models_stay_visible_with_their_mark()
    {
        var older = TestEnvironment.ReadCorpusFile("domaincaps", "qemu_5.2.0-q35.x86_64.xml");
        var icelake = Assert.Single(Inventory(older).CpuModels, m => m.Model == "Icelake-Client");
        Assert.Equal(1, icelake.DeprecatedHosts);
        Assert.Equal(0, icelake.UsableHosts);
    }

    private static GroupInventory Inventory(params string[] documents)
    {
        var host = HostCapabilitiesParser.Parse(Fakes.RecordedLibvirt.Fixture("hostcaps.xml"));
        return GroupInventory.Of(documents.Select((xml, i) =>
        {
            var caps = DomainCapabilitiesParser.Parse(xml);
            return new TargetSnapshot($"host{i}", DateTimeOffset.UnixEpoch, TimeSpan.Zero, null, host, [new Collection.CollectedDomainCaps(Collection.DomainCapsCombination.Of(caps), caps)], []);
        }));
    }

    private static IEnumerable<(string Name, bool Usable, bool Deprecated)> Models(string xml) =>
        XDocument.Parse(xml).Root!.Element("cpu")!.Elements("mode").Single(m => (string?)m.Attribute("name") == "custom").Elements("model")
            .Select(m => (m.Value.Trim(), (string?)m.Attribute("usable") == "yes", (string?)m.Attribute("deprecated") == "yes"));
}
