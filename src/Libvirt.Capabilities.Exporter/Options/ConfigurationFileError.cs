using System.Text.Json;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>How a configuration file that cannot be loaded is recognised and described, at start and on reload.</summary>
public static class ConfigurationFileError
{
    public static bool Is(Exception e) => e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException;

    /// <summary>The loader's message, plus where the JSON parser stopped (1-based line and position).</summary>
    public static string Describe(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException { LineNumber: { } line, BytePositionInLine: { } position })
            {
                return $"configuration file: {e.Message} Invalid JSON at line {line + 1}, position {position + 1}.";
            }
        }

        return $"configuration file: {e.Message}{(e.InnerException is { } cause ? " " + cause.Message : "")}";
    }
}
