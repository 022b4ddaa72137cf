using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>
/// Reads a captured capabilities document for the command-line tools: only a regular file (never a FIFO that
/// would hang, a device such as /dev/zero that never ends, or a directory), no larger than the parser
/// accepts, and strictly UTF-8.
/// </summary>
public static class CapabilitiesFile
{
    /// <summary>UTF-8 takes at most 4 bytes per character: a larger file cannot be within the parser's limit.</summary>
    public const long MaxBytes = XmlLimits.DefaultMaxCharacters * 4;

    /// <exception cref="CliInputException">The file is missing, not a regular file, too large, unreadable or not UTF-8.</exception>
    public static string Read(string path)
    {
        var full = Path.GetFullPath(path);
        var kind = FileKinds.Of(full);
        switch (kind)
        {
            case FileKind.Missing:
                throw new CliInputException($"{full}: no such file");
            case FileKind.Regular:
                break;
            default:
                throw new CliInputException($"{full}: not a regular file ({Describe(kind)}); give a captured XML file");
        }

        try
        {
            var length = new FileInfo(full).Length;
            if (length > MaxBytes)
            {
                throw new CliInputException($"{full}: {length} bytes is above the limit of {MaxBytes}");
            }

            return SafeXml.DecodeUtf8(File.ReadAllBytes(full));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{full}: cannot read: {e.Message}");
        }
        catch (CapabilitiesParseException e)
        {
            throw new CliInputException($"{full}: {e.Message}");
        }
    }

    /// <summary>Reads and parses; a parse error names the file.</summary>
    public static T Parse<T>(string path, Func<string, T> parse)
    {
        var xml = Read(path);
        try
        {
            return parse(xml);
        }
        catch (CapabilitiesParseException e)
        {
            throw new CliInputException($"{Path.GetFullPath(path)}: {e.Message}");
        }
    }

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "not a regular file",
    };
}
