using System.Xml.Linq;
using System.Xml.XPath;
using Libvirt.Capabilities.Model;
using Libvirt.Capabilities.Parsing;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Tests;

/// <summary>
/// Every domain-capabilities document of libvirt's own test suite parses, and the model holds exactly what
/// an independent XPath count over the same file finds.
/// </summary>
public sealed class DomainCapabilitiesCorpusTests
{
    [Theory]
    [MemberData(nameof(CorpusCases.DomainCaps), MemberType = typeof(CorpusCases))]
    public void Parses_every_element_the_document_holds(string file)
    {
        TestEnvironment.RequireCorpus();
        var xml = TestEnvironment.ReadCorpusFile("domaincaps", file);
        var doc = XDocument.Parse(xml);
        var caps = DomainCapabilitiesParser.Parse(xml);

        Assert.Equal(1, XPath.Count(doc, "/domainCapabilities/arch"));
        Assert.Equal(doc.XPathSelectElement("/domainCapabilities/arch")!.Value, caps.Arch);
        Assert.Equal(doc.XPathSelectElement("/domainCapabilities/domain")!.Value, caps.DomainType);
        Assert.Equal(doc.XPathSelectElement("/domainCapabilities/machine")?.Value, caps.Machine);
        Assert.Equal(XPath.Count(doc, "//cpu/mode[@name='custom']/model"), caps.Cpu.CustomModels.Count);
        Assert.Equal(XPath.Count(doc, "//cpu/mode[@name='custom']/blockers/feature"), caps.Cpu.CustomModels.Sum(m => m.Blockers.Count));
        Assert.Equal(XPath.Count(doc, "//cpu/mode[@name='host-model']/feature"), caps.Cpu.HostModel?.Features.Count ?? 0);
        Assert.Equal(XPath.Count(doc, "//cpu/mode"), caps.Cpu.Modes.Count);
        Assert.Equal(XPath.Count(doc, "/domainCapabilities/features/*"), caps.Features.Count);
        Assert.Equal(XPath.Count(doc, "//value"), caps.Enums.Sum(e => e.Values.Count));
        Assert.Equal(XPath.Count(doc, "//enum"), caps.Enums.Count(e => e.Name != "value"));

        // Every supported attribute lands in exactly one place: a CPU mode, a feature, or a generic flag.
        var supportedAttributes = XPath.Count(doc, "//*[@supported='yes' or @supported='no']");
        Assert.Equal(
            supportedAttributes,
            caps.Cpu.Modes.Count + caps.Features.Count(f => f.Supported is not null) + caps.SupportFlags.Count);
        Assert.Equal(XPath.Count(doc, "//cpu/mode[@name='custom']/model[@usable='yes']"), caps.Cpu.CustomModels.Count(m => m.Usable == CpuModelUsability.Yes));
        Assert.Equal(XPath.Count(doc, "//cpu/mode[@name='custom']/model[@deprecated]"), caps.Cpu.CustomModels.Count(m => m.Deprecated is not null));
    }

    [Fact]
    public void Keeps_reported_and_supported_apart_for_features()
    {
        var caps = DomainCapabilitiesParser.Parse(
            "<domainCapabilities><domain>kvm</domain><arch>x86_64</arch><features><backup/><genid supported='no'/></features></domainCapabilities>");

        Assert.Collection(
            caps.Features,
            backup => Assert.Equal(("backup", (bool?)null), (backup.Name, backup.Supported)),
            genid => Assert.Equal(("genid", (bool?)false), (genid.Name, genid.Supported)));
    }

    [Fact]
    public void Reads_numeric_feature_facts_in_base_units()
    {
        var caps = DomainCapabilitiesParser.Parse(
            """
            <domainCapabilities><domain>kvm</domain><arch>x86_64</arch><features>
              <sev supported='yes'><cbitpos>47</cbitpos><reducedPhysBits>1</reducedPhysBits><maxGuests>15</maxGuests><maxESGuests>494</maxESGuests><cpu0Id>abc</cpu0Id></sev>
              <sgx supported='yes'><flc>no</flc><section_size unit='KiB'>512</section_size>
                <sections><section node='0' size='256' unit='KiB'/><section node='1' size='256' unit='KiB'/></sections></sgx>
            </features></domainCapabilities>
            """);

        var sev = caps.Features.Single(f => f.Name == "sev");
        Assert.Equal(47, sev.Details.Single(d => d.Field == "cbitpos").Number);
        Assert.Equal(494, sev.Details.Single(d => d.Field == "maxESGuests").Number);
        Assert.Null(sev.Details.Single(d => d.Field == "cpu0Id").Number);
        var sgx = caps.Features.Single(f => f.Name == "sgx");
        var sectionSize = sgx.Details.Single(d => d.Field == "section_size");
        Assert.Equal((512 * 1024.0, true), (sectionSize.Number, sectionSize.IsBytes));
        Assert.Equal([new SgxSection(0, 262144), new SgxSection(1, 262144)], sgx.SgxSections);
    }

    [Fact]
    public void Keeps_elements_a_newer_libvirt_might_add()
    {
        var caps = DomainCapabilitiesParser.Parse(
            """
            <domainCapabilities><domain>kvm</domain><arch>x86_64</arch>
              <devices><quantum supported='yes'><enum name='flavour'><value>up</value></enum></quantum></devices>
              <teleport supported='no'/>
              <features><warpdrive supported='yes'><factor>9</factor></warpdrive></features>
            </domainCapabilities>
            """);

        Assert.Contains(new SupportFlag("devices/quantum", true), caps.SupportFlags);
        Assert.Contains(new SupportFlag("teleport", false), caps.SupportFlags);
        Assert.Equal(["up"], caps.Enums.Single(e => e.Element == "devices/quantum" && e.Name == "flavour").Values);
        Assert.Equal(9, caps.Features.Single(f => f.Name == "warpdrive").Details.Single().Number);
    }
}
