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
        var error = Assert.Throws<CapabilitiesParseException>(() => HostCapabilitiesParser.Parse(xml, new XmlLimits(MaxCharacters: 1000)));
        Assert.Contains("above the limit of 1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dtd_is_refused_even_without_entities()
    {
        var error = Assert.Throws<CapabilitiesParseException>(() =>
            HostCapabilitiesParser.Parse("<!DOCTYPE capabilities><capabilities><host/></capabilities>"));
        Assert.Contains("DTD", error.Message, StringComparison.Ordinal);
    }

    private static string Domcaps(string devices) =>
        "<domainCapabilities><path>/usr/bin/qemu</path><domain>kvm</domain><arch>x86_64</arch><devices>" + devices + "</devices></domainCapabilities>";

    [Theory]
    [InlineData(100)]
    [InlineData(40_000)]
    [InlineData(200_000)]
    public void Deep_nesting_is_refused_without_recursion(int levels)
    {
        var xml = Domcaps(string.Concat(Enumerable.Repeat("<a>", levels)) + string.Concat(Enumerable.Repeat("</a>", levels)));
        var error = Assert.Throws<CapabilitiesParseException>(() => DomainCapabilitiesParser.Parse(xml));
        Assert.Contains($"nested deeper than {XmlLimits.DefaultMaxDepth} levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        // Root, devices and 62 more levels: exactly the default depth limit of 64.
        var levels = XmlLimits.DefaultMaxDepth - 2;
        var xml = Domcaps(string.Concat(Enumerable.Repeat("<a supported='yes'>", levels)) + string.Concat(Enumerable.Repeat("</a>", levels)));
        var caps = DomainCapabilitiesParser.Parse(xml);
        Assert.Equal(levels, caps.SupportFlags.Count);
    }

    [Fact]
    public void Too_many_elements_are_refused()
    {
        var xml = Domcaps(string.Concat(Enumerable.Repeat("<disk/>", 1000)));
        var error = Assert.Throws<CapabilitiesParseException>(() => DomainCapabilitiesParser.Parse(xml, new XmlLimits(MaxElements: 500)));
        Assert.Contains("more than 500 elements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_attributes_on_one_element_are_refused()
    {
        var attributes = string.Concat(Enumerable.Range(0, XmlLimits.DefaultMaxAttributes + 1).Select(i => $" a{i}='x'"));
        var error = Assert.Throws<CapabilitiesParseException>(() => DomainCapabilitiesParser.Parse(Domcaps($"<disk{attributes}/>")));
        Assert.Contains($"more than {XmlLimits.DefaultMaxAttributes}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<disk supported='{0}'/>", "attribute supported")]
    [InlineData("<disk><value>{0}</value></disk>", "a text node")]
    public void Overlong_values_are_refused(string template, string what)
    {
        var xml = Domcaps(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, new string('y', XmlLimits.DefaultMaxValueLength + 1)));
        var error = Assert.Throws<CapabilitiesParseException>(() => DomainCapabilitiesParser.Parse(xml));
        Assert.Contains($"{what} is {XmlLimits.DefaultMaxValueLength + 1} characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancelled_parse_stops()
    {
        var xml = Domcaps(string.Concat(Enumerable.Repeat("<disk supported='yes'/>", 100_000)));
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => DomainCapabilitiesParser.Parse(xml, XmlLimits.Default, cancel.Token));
    }

    [Fact]
    public void Invalid_utf8_is_refused_not_replaced()
    {
        byte[] bytes = [.. "<capabilities><host><cpu><arch>x86_"u8, 0xFF, .. "64</arch></cpu></host></capabilities>"u8];
        var error = Assert.Throws<CapabilitiesParseException>(() => SafeXml.DecodeUtf8(bytes));
        Assert.Contains("not valid UTF-8 (byte offset 35)", error.Message, StringComparison.Ordinal);
    }
}
