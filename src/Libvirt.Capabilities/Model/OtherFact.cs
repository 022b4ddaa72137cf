namespace Libvirt.Capabilities.Model;

/// <summary>
/// An attribute or the text of an element that no typed part of the model covers, e.g. an element a newer
/// libvirt added. Kept so that the export stays lossless for both documents.
/// </summary>
/// <param name="Element">Path of element names below the root, e.g. <c>host/netprefix</c>.</param>
/// <param name="Attribute">The attribute name, or empty for the element's own text (or bare presence).</param>
public sealed record OtherFact(string Element, string Attribute, string Value);
