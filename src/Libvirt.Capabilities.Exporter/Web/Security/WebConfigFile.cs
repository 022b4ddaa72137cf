namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// Reads <c>--web.config.file</c> and checks everything it names: the key pair loads, the client CAs parse.
/// A problem is one <see cref="WebConfigException"/> whose message names the line or the file.
/// </summary>
public static class WebConfigFile
{
    public static WebConfig Load(string path)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WebConfigException($"cannot be read: {e.Message}");
        }

        var config = WebConfigParser.Parse(yaml, Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (config.Tls is { } tls)
        {
            TlsMaterial.Load(tls);
        }

        return config;
    }
}
