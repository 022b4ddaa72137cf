using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Cli;
using Libvirt.Capabilities.Exporter.Hosting;
using Libvirt.Capabilities.Exporter.Metrics;

namespace Libvirt.Capabilities.Exporter;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "render":
                return await RenderCommand.Create(new LibvirtConnector(), Console.Out, Console.Error).Parse(args[1..]).InvokeAsync().ConfigureAwait(false);
            case "capture":
                return await CaptureCommand.Create(new LibvirtConnector(), Console.Out, Console.Error).Parse(args[1..]).InvokeAsync().ConfigureAwait(false);
            case "diff":
                return DiffCommand.Invoke(args[1..], Console.Out, Console.Error);
            case "compat":
                return CompatCommand.Invoke(new LibvirtConnector(), args[1..], Console.Out, Console.Error);
            case "--version":
                await Console.Out.WriteLineAsync($"libvirt-capabilities-exporter {BuildInfo.Version} (revision {BuildInfo.Revision})").ConfigureAwait(false);
                return 0;
            default:
                return await ExporterHost.RunAsync(args).ConfigureAwait(false);
        }
    }
}
