using System.Runtime.InteropServices;

namespace Libvirt.Capabilities.Interop;

/// <summary>Raw declarations from libvirt-event.h.</summary>
/// <remarks>https://libvirt.org/html/libvirt-libvirt-event.html</remarks>
internal static partial class NativeMethods
{
    [LibraryImport(Library)]
    internal static partial int virEventRegisterDefaultImpl();

    [LibraryImport(Library)]
    internal static partial int virEventRunDefaultImpl();
}
