using System.Runtime.InteropServices;

// Just enough of libvirt for the memory floor: open (read-write: the local test daemon has no read-only socket), one capabilities call, keep the connection open.
internal static partial class LibvirtFloor
{
    private static IntPtr connection;

    public static void Open(string uri)
    {
        connection = virConnectOpen(uri);
        if (connection == IntPtr.Zero)
        {
            throw new InvalidOperationException($"virConnectOpen({uri}) failed");
        }

        var capabilities = virConnectGetCapabilities(connection);
        if (capabilities == IntPtr.Zero)
        {
            throw new InvalidOperationException("virConnectGetCapabilities failed");
        }

        Console.WriteLine($"libvirt: {Marshal.PtrToStringUTF8(capabilities)!.Length} characters of capabilities");
        free(capabilities);
    }

    [LibraryImport("libvirt.so.0", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr virConnectOpen(string uri);

    [LibraryImport("libvirt.so.0")]
    private static partial IntPtr virConnectGetCapabilities(IntPtr connection);

    [LibraryImport("libc")]
    private static partial void free(IntPtr pointer);
}
