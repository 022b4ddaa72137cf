using Libvirt.Capabilities.Interop;

namespace Libvirt.Capabilities.Connection;

/// <summary>Opens real connections through libvirt.so.0.</summary>
public sealed class LibvirtConnector : ILibvirtConnector
{
    public ILibvirtConnection Open(ConnectionSettings settings) => LibvirtConnection.Open(settings);
}
