using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Libvirt.Capabilities.Interop;

/// <summary>
/// Routes libvirt's connection-close callback (run on the event-loop thread) to the managed connection
/// that registered it. The opaque pointer is a key into a table, so no GC handle crosses the boundary.
/// </summary>
internal static class CloseCallbacks
{
    private static readonly ConcurrentDictionary<nint, Action<CloseReason>> Listeners = new();
    private static long nextKey;

    public static nint Register(Action<CloseReason> listener)
    {
        var key = (nint)Interlocked.Increment(ref nextKey);
        Listeners[key] = listener;
        return key;
    }

    public static void Unregister(nint key) => Listeners.TryRemove(key, out _);

    [UnmanagedCallersOnly]
    internal static void OnClose(nint conn, int reason, nint opaque)
    {
        if (Listeners.TryGetValue(opaque, out var listener))
        {
            listener((CloseReason)reason);
        }
    }
}

/// <summary>virConnectCloseReason.</summary>
public enum CloseReason
{
    Error = 0,
    Eof = 1,
    KeepAlive = 2,
    Client = 3,
}
