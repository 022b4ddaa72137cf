using System.Runtime.InteropServices;

namespace Libvirt.Capabilities.Interop;

/// <summary>Raw declarations from virterror.h.</summary>
/// <remarks>https://libvirt.org/html/libvirt-virterror.html</remarks>
internal static unsafe partial class NativeMethods
{
    /// <summary>The calling thread's last error, owned by libvirt (thread-local): copy it at once.</summary>
    [LibraryImport(Library)]
    internal static partial VirError* virGetLastError();

    [LibraryImport(Library)]
    internal static partial void virResetLastError();

    [LibraryImport(Library)]
    internal static partial void virSetErrorFunc(nint userData, delegate* unmanaged<nint, VirError*, void> handler);

    internal const int VIR_ERR_NO_SUPPORT = 3;
    internal const int VIR_ERR_OPERATION_DENIED = 29;
    internal const int VIR_ERR_CPU_INCOMPATIBLE = 91;
}

/// <summary>The leading fields of virError; only these are read, so the rest is not declared.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VirError
{
    public int Code;
    public int Domain;
    public byte* Message;
    public int Level;
}
