using System.Xml.Linq;

namespace Libvirt.Capabilities.Exporter.Tests.Oracle;

/// <summary>
/// Reads a document while remembering what was read, so that what no family reads can be listed afterwards:
/// the facts docs/metrics.md exports as <c>element_info{element, attribute, value}</c> to stay lossless.
/// </summary>
internal sealed class XmlReads
{
    private readonly HashSet<(XElement, string)> read = [];

    public static string PathOf(XElement element) =>
        string.Join('/', element.AncestorsAndSelf().Reverse().Skip(1).Select(e => e.Name.LocalName));

    public string? Attr(XElement element, string name)
    {
        var value = element.Attribute(name)?.Value;
        if (value is not null)
        {
            read.Add((element, "@" + name));
        }

        return value;
    }

    public string Text(XElement element)
    {
        read.Add((element, "#text"));
        return OwnText(element);
    }

    /// <summary>The element's presence is itself a fact (a power-management state, a reported feature).</summary>
    public void Presence(XElement element) => read.Add((element, "#presence"));

    /// <summary>
    /// What nothing read, as (element path, attribute, value): each unread attribute, each unread text
    /// (attribute ""), and each empty element whose presence nothing read, unless the schema defines it as a
    /// container of other elements (an empty container says nothing; an empty marker such as host/cpu/features/pae does).
    /// </summary>
    public IEnumerable<(string Element, string Attribute, string Value)> Unread(XElement root, RngElements schema)
    {
        foreach (var element in root.Descendants())
        {
            var path = PathOf(element);
            foreach (var attribute in element.Attributes().Where(a => !read.Contains((element, "@" + a.Name.LocalName))))
            {
                yield return (path, attribute.Name.LocalName, attribute.Value);
            }

            var text = OwnText(element);
            if (text.Length > 0 && !read.Contains((element, "#text")))
            {
                yield return (path, "", text);
            }

            if (text.Length == 0 && !element.HasAttributes && !element.HasElements && !read.Contains((element, "#presence")) && !schema.IsContainer(path))
            {
                yield return (path, "", "");
            }
        }
    }

    private static string OwnText(XElement element) => string.Concat(element.Nodes().OfType<XText>().Select(t => t.Value)).Trim();
}
