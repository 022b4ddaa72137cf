using System.Runtime.InteropServices;

namespace Libvirt.Capabilities.Interop;

/// <summary>Raw declarations from libvirt-host.h, keeping libvirt's C names.</summary>
/// <remarks>https://libvirt.org/html/libvirt-libvirt-host.html</remarks>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "libvirt.so.0";

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint virConnectOpenAuth(string? name, VirConnectAuth* auth, uint flags);

    [LibraryImport(Library)]
    internal static partial int virConnectClose(nint conn);

    /// <summary>Returns a string the caller must free().</summary>
    [LibraryImport(Library)]
    internal static partial byte* virConnectGetCapabilities(SafeConnectionHandle conn);

    /// <summary>Returns a string the caller must free().</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial byte* virConnectGetDomainCapabilities(
        SafeConnectionHandle conn, string? emulatorbin, string? arch, string? machine, string? virttype, uint flags);

    [LibraryImport(Library)]
    internal static partial int virConnectGetLibVersion(SafeConnectionHandle conn, out ulong libVer);

    [LibraryImport(Library)]
    internal static partial int virConnectGetVersion(SafeConnectionHandle conn, out ulong hvVer);

    /// <summary>Returns a static string owned by libvirt: never free it.</summary>
    [LibraryImport(Library)]
    internal static partial byte* virConnectGetType(SafeConnectionHandle conn);

    /// <summary>Returns a string the caller must free().</summary>
    [LibraryImport(Library)]
    internal static partial byte* virConnectGetHostname(SafeConnectionHandle conn);

    [LibraryImport(Library)]
    internal static partial int virConnectIsAlive(SafeConnectionHandle conn);

    [LibraryImport(Library)]
    internal static partial int virConnectSetKeepAlive(SafeConnectionHandle conn, int interval, uint count);

    [LibraryImport(Library)]
    internal static partial int virConnectRegisterCloseCallback(
        SafeConnectionHandle conn, delegate* unmanaged<nint, int, nint, void> cb, nint opaque, nint freecb);

    [LibraryImport(Library)]
    internal static partial int virConnectUnregisterCloseCallback(
        nint conn, delegate* unmanaged<nint, int, nint, void> cb);

    [LibraryImport(Library)]
    internal static partial int virGetVersion(out ulong libVer, nint type, nint typeVer);

    internal const uint VIR_CONNECT_RO = 1;

    // virConnectCredentialType values used by the auth callback.
    internal const int VIR_CRED_USERNAME = 1;
    internal const int VIR_CRED_AUTHNAME = 2;
    internal const int VIR_CRED_PASSPHRASE = 5;
    internal const int VIR_CRED_NOECHOPROMPT = 7;
}

/// <summary>virConnectAuth: the credential types offered and the callback that answers them.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VirConnectAuth
{
    public int* CredType;
    public uint NCredType;
    public delegate* unmanaged<VirConnectCredential*, uint, nint, int> Callback;
    public nint CallbackData;
}

/// <summary>virConnectCredential: one prompt libvirt asks the callback to fill.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VirConnectCredential
{
    public int Type;
    public byte* Prompt;
    public byte* Challenge;
    public byte* DefResult;
    public byte* Result;
    public uint ResultLen;
}
