using System.CommandLine;

namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>Usage errors of a command: one <c>error:</c> line each, like every other problem the tools report.</summary>
public static class CliUsage
{
    /// <summary>Writes the parse errors, if any; true when there were some.</summary>
    public static bool Failed(ParseResult parse, TextWriter stderr)
    {
        foreach (var error in parse.Errors)
        {
            stderr.WriteLine($"error: {error.Message}");
        }

        return parse.Errors.Count > 0;
    }
}
