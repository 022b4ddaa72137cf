namespace Libvirt.Capabilities.Connection;

/// <summary>Opens connections; the seam that lets tests serve recorded XML or inject faults.</summary>
public interface ILibvirtConnector
{
    ILibvirtConnection Open(ConnectionSettings settings);
}
