using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Tests;

/// <summary>Malformed or hostile input fails with a clear parse error and never expands or fetches anything.</summary>
public sealed class HostileXmlTests
{
    public static TheoryData<string, string> BadDocuments() => new()
    {
        { "<domainCapabilities><domain>kvm</domain>", "malformed XML" },
        { "", "malformed XML" },
        { "<capabilities/>", "expected root element <domainCapabilities>" },
        { "<domainCapabilities><arch>x86_64</arch></domainCapabilities>", "has no <domain>" },
        {
            "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]><domainCapabilities><domain>&b;</domain><arch>x</arch></domainCapabilities>",
            "malformed XML"
        },
        {
            "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domainCapabilities><domain>&x;</domain><arch>x</arch></domainCapabilities>",
            "malformed XML"
        },
    };

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public void Rejects_with_a_clear_message(string xml, string expected)
    {
        var error = Assert.Throws<CapabilitiesParseException>(() => DomainCapabilitiesParser.Parse(xml));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_documents_above_the_size_cap()
    {
        var xml = "<capabilities><host>" + new string(' ', 2000) + "</host></capabilities>";
        var error = Assert.Throws<CapabilitiesParseException>(() => HostCapabilitiesParser.Parse(xml, maxCharacters: 1000));
        Assert.Contains("above the limit of 1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dtd_is_refused_even_without_entities()
    {
        var error = Assert.Throws<CapabilitiesParseException>(() =>
            HostCapabilitiesParser.Parse("<!DOCTYPE capabilities><capabilities><host/></capabilities>"));
        Assert.Contains("DTD", error.Message, StringComparison.Ordinal);
    }
}
