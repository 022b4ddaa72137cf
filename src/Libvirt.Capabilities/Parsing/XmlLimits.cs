namespace Libvirt.Capabilities.Parsing;

/// <summary>
/// Bounds on an untrusted capabilities document, checked while it is read, so a hostile or broken reply
/// costs time and memory linear in these numbers and never exhausts the stack or the heap.
/// </summary>
/// <remarks>
/// The defaults sit far above anything libvirt produces. Measured on libvirt's own test corpus (76 host and
/// domain capabilities documents, QEMU 4.2 to 11.0, many architectures): depth at most 7, at most 1,183
/// elements, 6 attributes on one element, attribute values up to 30 characters, text up to 36 characters,
/// 49 KB at most. A real host with thousands of CPUs and every machine type stays within a few MB.
/// </remarks>
/// <param name="MaxCharacters">Characters in the whole document.</param>
/// <param name="MaxDepth">Nesting depth of elements (the root is depth 1).</param>
/// <param name="MaxElements">Elements in the whole document.</param>
/// <param name="MaxAttributes">Attributes on one element.</param>
/// <param name="MaxValueLength">Characters in one attribute value or one text node.</param>
public sealed record XmlLimits(
    long MaxCharacters = XmlLimits.DefaultMaxCharacters,
    int MaxDepth = XmlLimits.DefaultMaxDepth,
    int MaxElements = XmlLimits.DefaultMaxElements,
    int MaxAttributes = XmlLimits.DefaultMaxAttributes,
    int MaxValueLength = XmlLimits.DefaultMaxValueLength)
{
    public const long DefaultMaxCharacters = 16L * 1024 * 1024;
    public const int DefaultMaxDepth = 64;
    public const int DefaultMaxElements = 500_000;
    public const int DefaultMaxAttributes = 64;
    public const int DefaultMaxValueLength = 64 * 1024;

    public static readonly XmlLimits Default = new();
}
