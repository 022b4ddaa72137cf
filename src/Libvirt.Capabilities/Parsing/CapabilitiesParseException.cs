namespace Libvirt.Capabilities.Parsing;

/// <summary>The XML is malformed, hostile (DTD, entities), too large, or not the expected document.</summary>
public sealed class CapabilitiesParseException(string message, Exception? inner = null) : Exception(message, inner);
