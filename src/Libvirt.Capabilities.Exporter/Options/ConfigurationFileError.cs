namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>How a configuration file that cannot be loaded is recognised and described, at start and on reload.</summary>
public static class ConfigurationFileError
{
    public static bool Is(Exception e) => e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException;

    /// <summary>The loader's message plus the parser's reason ("Could not parse the JSON file.").</summary>
    public static string Describe(Exception e) =>
        $"configuration file: {e.Message}{(e.InnerException is { } inner ? " " + inner.Message : "")}";
}
