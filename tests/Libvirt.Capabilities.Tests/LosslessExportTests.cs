using System.Xml.Linq;
using Libvirt.Capabilities.Model;
using Libvirt.Capabilities.Parsing;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Tests;

/// <summary>
/// The same lossless rule for both documents: an element or attribute the typed model does not know is kept as
/// an <see cref="OtherFact"/>. Checked by injecting unknown data into every real document of the corpus.
/// </summary>
public sealed class LosslessExportTests
{
    [Theory]
    [MemberData(nameof(CorpusCases.HostCaps), MemberType = typeof(CorpusCases))]
    public void Host_capabilities_keep_what_the_model_does_not_know(string file)
    {
        var xml = TestEnvironment.ReadCorpusFile("hostcaps", file);
        AssertInjectedFactsAreKept(xml, "host", x => HostCapabilitiesParser.Parse(x).Other);
    }

    [Theory]
    [MemberData(nameof(CorpusCases.DomainCaps), MemberType = typeof(CorpusCases))]
    public void Domain_capabilities_keep_what_the_model_does_not_know(string file)
    {
        var xml = TestEnvironment.ReadCorpusFile("domaincaps", file);
        AssertInjectedFactsAreKept(xml, "os", x => DomainCapabilitiesParser.Parse(x).Other);
    }

    private static void AssertInjectedFactsAreKept(string xml, string section, Func<string, IReadOnlyList<OtherFact>> parse)
    {
        var before = parse(xml).ToHashSet();
        var doc = XDocument.Parse(xml);
        var target = doc.Root!.Element(section) ?? doc.Root;
        var known = target.Descendants().FirstOrDefault() ?? target;
        known.SetAttributeValue("newAttribute", "v1");
        target.Add(new XElement("newElement", new XAttribute("mode", "strict"), new XElement("leaf", "42"), new XElement("flag")));
        var after = parse(doc.ToString()).ToHashSet();

        var path = target == doc.Root ? "" : section + "/";
        var knownPath = string.Join('/', known.AncestorsAndSelf().Reverse().Skip(1).Select(e => e.Name.LocalName));
        OtherFact[] expected =
        [
            new(knownPath, "newAttribute", "v1"),
            new(path + "newElement", "mode", "strict"),
            new(path + "newElement/leaf", "", "42"),
            new(path + "newElement/flag", "", ""),
        ];
        Assert.Equal(expected.OrderBy(f => f.ToString()), after.Except(before).OrderBy(f => f.ToString()));
        Assert.Empty(before.Except(after));
    }
}
