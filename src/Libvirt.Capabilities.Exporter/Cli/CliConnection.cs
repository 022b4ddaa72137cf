using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Interop;

namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>Opens the connection of a one-shot command: a missing libvirt.so.0 or an unreachable URI is one error line.</summary>
public static class CliConnection
{
    public static ILibvirtConnection? TryOpen(ILibvirtConnector connector, ConnectionSettings settings, TextWriter stderr)
    {
        if (connector is LibvirtConnector && !NativeLibraryProbe.TryLoad(out var missing))
        {
            stderr.WriteLine($"error: {missing}");
            return null;
        }

        try
        {
            return connector.Open(settings);
        }
        catch (LibvirtException e)
        {
            stderr.WriteLine($"error: {LibvirtUri.Display(settings.Uri)}: cannot connect: {e.LibvirtMessage}");
            return null;
        }
    }
}
