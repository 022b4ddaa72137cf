using System.Text;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>Which libvirt call's reply <see cref="HostileLibvirtProxy"/> rewrites.</summary>
public enum HostileCall
{
    HostCapabilities,
    DomainCapabilities,
}

/// <summary>
/// A rewrite of the XML that libvirt sent (UTF-8 bytes in, bytes out: they need not be valid UTF-8), named
/// for test output. The factories below build documents no libvirt produces, each from the real reply.
/// </summary>
public sealed record HostileReply(string Name, HostileCall Call, Func<byte[], byte[]> Rewrite)
{
    /// <summary>The exporter's document size limit (characters; the XML is ASCII, so also bytes).</summary>
    public const long ParserSizeLimit = XmlLimits.DefaultMaxCharacters;

    public override string ToString() => Name;

    /// <summary>Nested empty elements right inside the first <c>&lt;devices&gt;</c> (domain) or <c>&lt;host&gt;</c> (host).</summary>
    public static HostileReply Deep(int levels, HostileCall call) =>
        new($"deep {levels} under {Anchor(call)}", call, xml => InsertAfter(xml, Anchor(call), Repeat("<x>", levels) + Repeat("</x>", levels)));

    /// <summary>Hundreds of thousands of sibling elements.</summary>
    public static HostileReply WideSiblings(int count, HostileCall call) =>
        new($"{count} siblings under {Anchor(call)}", call, xml => InsertAfter(xml, Anchor(call), Repeat("<x/>", count)));

    /// <summary>One element with that many distinct attributes.</summary>
    public static HostileReply WideAttributes(int count, HostileCall call)
    {
        return new($"{count} attributes under {Anchor(call)}", call, xml => InsertAfter(xml, Anchor(call), Element()));

        string Element()
        {
            var element = new StringBuilder("<x");
            for (var i = 0; i < count; i++)
            {
                element.Append(" a").Append(i).Append("=\"\"");
            }

            return element.Append("/>").ToString();
        }
    }

    /// <summary>
    /// The real document padded with a comment before its last closing tag to exactly <paramref name="bytes"/>
    /// bytes: well-formed and otherwise unchanged, so only its size can make it fail.
    /// </summary>
    public static HostileReply Huge(long bytes, HostileCall call) =>
        new($"{bytes} bytes", call, xml =>
        {
            var close = Array.LastIndexOf(xml, (byte)'<');
            var padding = (int)(bytes - xml.Length - "<!---->".Length);
            return [.. xml.AsSpan(0, close), .. "<!--"u8, .. Encoding.ASCII.GetBytes(new string('p', padding)), .. "-->"u8, .. xml.AsSpan(close)];
        });

    /// <summary>The first half of the document.</summary>
    public static HostileReply Truncated(HostileCall call) =>
        new("truncated", call, xml => xml[..(xml.Length / 2)]);

    /// <summary>The first <c>x86_64</c> with a byte (0xFF) that is never valid UTF-8 in it.</summary>
    public static HostileReply InvalidUtf8(HostileCall call) =>
        new("invalid UTF-8", call, xml =>
        {
            var at = xml.AsSpan().IndexOf("x86_64"u8);
            if (at < 0)
            {
                throw new InvalidOperationException("the reply has no x86_64 to corrupt");
            }

            return [.. xml.AsSpan(0, at + 4), 0xFF, .. xml.AsSpan(at + 4)];
        });

    private static string Anchor(HostileCall call) => call == HostileCall.DomainCapabilities ? "<devices>" : "<host>";

    private static string Repeat(string text, int count) => new StringBuilder(text.Length * count).Insert(0, text, count).ToString();

    private static byte[] InsertAfter(byte[] xml, string anchor, string inserted)
    {
        var at = xml.AsSpan().IndexOf(Encoding.ASCII.GetBytes(anchor));
        if (at < 0)
        {
            throw new InvalidOperationException($"the reply has no {anchor}");
        }

        at += anchor.Length;
        return [.. xml.AsSpan(0, at), .. Encoding.ASCII.GetBytes(inserted), .. xml.AsSpan(at)];
    }
}
