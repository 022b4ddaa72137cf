using Microsoft.Extensions.Configuration.Json;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>The <c>--config.file</c> source, told apart from appsettings.json so its top-level sections can be checked.</summary>
public sealed class ConfigFileSource : JsonConfigurationSource
{
    public static void Add(IConfigurationBuilder builder, string path)
    {
        var source = new ConfigFileSource { Path = System.IO.Path.GetFullPath(path), Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        builder.Add(source);
    }

    /// <summary>The provider of the --config.file, if one was given.</summary>
    public static IConfigurationProvider? Of(IConfiguration configuration) =>
        (configuration as IConfigurationRoot)?.Providers.OfType<JsonConfigurationProvider>().FirstOrDefault(p => p.Source is ConfigFileSource);
}
