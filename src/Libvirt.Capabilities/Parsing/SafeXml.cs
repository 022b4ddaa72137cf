using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Libvirt.Capabilities.Parsing;

/// <summary>Loads untrusted XML: no DTD, no external resources, strict UTF-8, bounded by <see cref="XmlLimits"/>.</summary>
public static class SafeXml
{
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    // How often a long parse looks at its cancellation token: cheap, and a timed-out poll stops within microseconds.
    private const int CancellationCheckInterval = 4096;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Decodes a document as UTF-8, refusing invalid byte sequences as the XML specification requires
    /// (a lenient decoder would silently turn them into U+FFFD and a wrong label value).
    /// </summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new CapabilitiesParseException($"malformed XML: not valid UTF-8 (byte offset {e.Index})", e);
        }
    }

    /// <summary>
    /// Builds the element tree in one forward pass over an <see cref="XmlReader"/>, with an explicit stack (no
    /// recursion) and every limit checked as the document is read.
    /// </summary>
    public static XElement LoadRoot(string xml, string expectedRoot, XmlLimits? limits = null, CancellationToken cancel = default)
    {
        var root = Load(xml, limits, cancel);
        if (root.Name.LocalName != expectedRoot)
        {
            throw new CapabilitiesParseException($"expected root element <{expectedRoot}>, found <{root.Name.LocalName}>");
        }

        return root;
    }

    /// <summary>Like <see cref="LoadRoot"/>, whatever the root element is.</summary>
    public static XElement Load(string xml, XmlLimits? limits = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(xml);
        limits ??= XmlLimits.Default;
        if (xml.Length > limits.MaxCharacters)
        {
            throw new CapabilitiesParseException($"document is {xml.Length} characters, above the limit of {limits.MaxCharacters}");
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = limits.MaxCharacters,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
        };

        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            return Build(reader, limits, cancel) ?? throw new CapabilitiesParseException("document has no root element");
        }
        catch (XmlException e)
        {
            throw new CapabilitiesParseException($"malformed XML: {e.Message}", e);
        }
    }

    private static XElement? Build(XmlReader reader, XmlLimits limits, CancellationToken cancel)
    {
        XElement? root = null;
        var open = new Stack<XElement>();
        var elements = 0;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (++elements > limits.MaxElements)
                    {
                        throw Limit($"more than {limits.MaxElements} elements");
                    }

                    if (open.Count >= limits.MaxDepth)
                    {
                        throw Limit($"elements nested deeper than {limits.MaxDepth} levels");
                    }

                    if (elements % CancellationCheckInterval == 0)
                    {
                        cancel.ThrowIfCancellationRequested();
                    }

                    var element = ReadElement(reader, limits);
                    if (open.TryPeek(out var parent))
                    {
                        parent.Add(element);
                    }
                    else
                    {
                        root = element;
                    }

                    if (!reader.IsEmptyElement)
                    {
                        open.Push(element);
                    }

                    break;
                case XmlNodeType.EndElement:
                    open.Pop();
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace:
                    var text = reader.Value;
                    CheckLength(text, "a text node", limits);
                    open.Peek().Add(new XText(text));
                    break;
            }
        }

        return root;
    }

    private static XElement ReadElement(XmlReader reader, XmlLimits limits)
    {
        var element = new XElement(XName.Get(reader.LocalName, reader.NamespaceURI));
        if (reader.AttributeCount > limits.MaxAttributes)
        {
            throw Limit($"<{reader.LocalName}> has {reader.AttributeCount} attributes, more than {limits.MaxAttributes}");
        }

        while (reader.MoveToNextAttribute())
        {
            if (reader.NamespaceURI == XmlnsNamespace)
            {
                continue; // Namespace declarations are not facts; the names already carry their namespace.
            }

            CheckLength(reader.Value, $"attribute {reader.LocalName}", limits);
            element.Add(new XAttribute(XName.Get(reader.LocalName, reader.NamespaceURI), reader.Value));
        }

        reader.MoveToElement();
        return element;
    }

    private static void CheckLength(string value, string what, XmlLimits limits)
    {
        if (value.Length > limits.MaxValueLength)
        {
            throw Limit($"{what} is {value.Length} characters, more than {limits.MaxValueLength}");
        }
    }

    private static CapabilitiesParseException Limit(string what) => new($"document refused: {what} (see docs/security.md, parser limits)");

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
