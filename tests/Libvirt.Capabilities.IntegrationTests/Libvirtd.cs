using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>The real libvirtd started by scripts/libvirtd-up.sh: skip on a laptop without it, fail in CI.</summary>
public static class Libvirtd
{
    public const string System = "qemu:///system";
    public const string Tcp = "qemu+tcp://127.0.0.1/system";
    public const string TestDriver = "test:///default";

    public static LibvirtConnection Open(string uri, bool readOnly = false)
    {
        TestEnvironment.Require(NativeLibraryProbe.TryLoad(out _), "libvirt.so.0");
        try
        {
            return LibvirtConnection.Open(new ConnectionSettings(uri, readOnly));
        }
        catch (LibvirtException e) when (uri != TestDriver)
        {
            TestEnvironment.Require(false, $"a running libvirtd at {uri} ({e.LibvirtMessage})");
            throw;
        }
    }
}
