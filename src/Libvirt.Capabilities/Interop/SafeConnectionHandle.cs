using System.Runtime.InteropServices;

namespace Libvirt.Capabilities.Interop;

/// <summary>Owns one virConnectPtr; releasing it drops the reference with virConnectClose.</summary>
internal sealed class SafeConnectionHandle : SafeHandle
{
    public SafeConnectionHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    internal SafeConnectionHandle(nint handle)
        : base(nint.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == nint.Zero;

    protected override unsafe bool ReleaseHandle()
    {
        // The close callback must not outlive the connection, or libvirt calls into freed state.
        NativeMethods.virConnectUnregisterCloseCallback(handle, &CloseCallbacks.OnClose);
        NativeMethods.virResetLastError();
        return NativeMethods.virConnectClose(handle) >= 0;
    }
}
