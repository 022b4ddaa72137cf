using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>Reads a captured XML document given on the command line; every problem is one message naming the file.</summary>
public static class CapturedDocument
{
    /// <exception cref="RenderInputException">The file is missing, unreadable, too large or not the expected document.</exception>
    public static T Parse<T>(FileInfo file, Func<string, T> parse)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(parse);
        try
        {
            // Refuse a huge file before reading it; the parser's own cap counts characters, not bytes.
            if (file.Exists && file.Length > SafeXml.DefaultMaxCharacters * 4)
            {
                throw new RenderInputException($"{file.FullName}: {file.Length} bytes is above the limit of {SafeXml.DefaultMaxCharacters * 4}");
            }

            return parse(File.ReadAllText(file.FullName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RenderInputException($"{file.FullName}: cannot read: {e.Message}");
        }
        catch (CapabilitiesParseException e)
        {
            throw new RenderInputException($"{file.FullName}: {e.Message}");
        }
    }
}
