using System.Xml;
using System.Xml.Linq;

namespace Libvirt.Capabilities.Parsing;

/// <summary>Loads untrusted XML: no DTD, no external resources, bounded size.</summary>
public static class SafeXml
{
    /// <summary>Default cap on document size. A full poll of a large host is a few MB; 64 Mi characters is generous.</summary>
    public const long DefaultMaxCharacters = 64L * 1024 * 1024;

    public static XElement LoadRoot(string xml, string expectedRoot, long maxCharacters = DefaultMaxCharacters)
    {
        ArgumentNullException.ThrowIfNull(xml);
        if (xml.Length > maxCharacters)
        {
            throw new CapabilitiesParseException($"document is {xml.Length} characters, above the limit of {maxCharacters}");
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
        };

        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            document = XDocument.Load(reader, LoadOptions.None);
        }
        catch (XmlException e)
        {
            throw new CapabilitiesParseException($"malformed XML: {e.Message}", e);
        }

        var root = document.Root ?? throw new CapabilitiesParseException("document has no root element");
        if (root.Name.LocalName != expectedRoot)
        {
            throw new CapabilitiesParseException($"expected root element <{expectedRoot}>, found <{root.Name.LocalName}>");
        }

        return root;
    }

    public static string? Attr(this XElement element, string name) => element.Attribute(name)?.Value;

    public static string? ChildText(this XElement element, string name) => element.Element(name)?.Value.Trim();

    public static uint? UIntAttr(this XElement element, string name) =>
        uint.TryParse(element.Attr(name), out var value) ? value : null;

    public static ulong? ULongAttr(this XElement element, string name) =>
        ulong.TryParse(element.Attr(name), out var value) ? value : null;

    /// <summary>libvirt's virYesNo; anything else (absent, garbage) is null.</summary>
    public static bool? YesNo(string? value) => value switch
    {
        "yes" => true,
        "no" => false,
        _ => null,
    };
}
