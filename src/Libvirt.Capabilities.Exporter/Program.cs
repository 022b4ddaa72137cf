using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Cli;

namespace Libvirt.Capabilities.Exporter;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "render")
        {
            return await RenderCommand.Create(new LibvirtConnector(), Console.Out, Console.Error).Parse(args[1..]).InvokeAsync();
        }

        await Console.Error.WriteLineAsync("error: the long-running exporter is not available yet; use: render --uri URI");
        return 2;
    }
}
