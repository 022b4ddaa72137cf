namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>An input of a command-line tool (a file, a directory) could not be used; the message names it.</summary>
public sealed class CliInputException(string message) : Exception(message);
