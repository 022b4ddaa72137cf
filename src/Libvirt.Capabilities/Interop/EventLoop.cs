namespace Libvirt.Capabilities.Interop;

/// <summary>
/// libvirt's default event loop, run on one background thread for the whole process. Keepalive and
/// close callbacks only work while it runs, and it must be registered before the first connection opens.
/// </summary>
internal static class EventLoop
{
    private static readonly Lock Gate = new();
    private static bool started;

    public static unsafe void EnsureStarted()
    {
        lock (Gate)
        {
            if (started)
            {
                return;
            }

            // libvirt prints every error to stderr unless a handler is set; errors are reported by exceptions instead.
            NativeMethods.virSetErrorFunc(0, &IgnoreError);
            Checked.Status(NativeMethods.virEventRegisterDefaultImpl(), nameof(NativeMethods.virEventRegisterDefaultImpl));
            var thread = new Thread(Run) { IsBackground = true, Name = "libvirt-event-loop" };
            thread.Start();
            started = true;
        }
    }

    private static void Run()
    {
        while (true)
        {
            if (NativeMethods.virEventRunDefaultImpl() < 0)
            {
                NativeMethods.virResetLastError();
                Thread.Sleep(100); // An iteration failed: avoid a busy loop, then keep serving keepalives.
            }
        }
    }

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    private static unsafe void IgnoreError(nint userData, VirError* error)
    {
    }
}
