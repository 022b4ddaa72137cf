using System.Runtime.InteropServices;

namespace Libvirt.Capabilities.Interop;

/// <summary>Checks up front that libvirt.so.0 can be loaded, so a missing package is one clear message.</summary>
public static class NativeLibraryProbe
{
    public const string MissingLibraryMessage =
        "libvirt.so.0 could not be loaded: install the libvirt client library (Debian/Ubuntu: apt-get install libvirt0; Fedora/RHEL: dnf install libvirt-libs)";

    public static bool TryLoad(out string? error)
    {
        if (NativeLibrary.TryLoad(NativeMethods.Library, typeof(NativeLibraryProbe).Assembly, null, out var libHandle))
        {
            NativeLibrary.Free(libHandle);
            error = null;
            return true;
        }

        error = MissingLibraryMessage;
        return false;
    }
}
