namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>An input file of <c>render</c> could not be read.</summary>
public sealed class RenderInputException(string message) : Exception(message);
