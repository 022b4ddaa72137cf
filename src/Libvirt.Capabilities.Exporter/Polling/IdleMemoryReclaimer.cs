using Libvirt.Capabilities.Interop;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>
/// Returns the garbage of a burst of work to the operating system once the process is quiet again. A poll that
/// rebuilds a target's capabilities (the first one, or one with drift) allocates megabytes; an exporter that
/// then idles between scrapes allocates almost nothing, so no collection runs and that memory stays resident.
/// One compacting, decommitting collection shortly after the last such poll (a burst of them asks once) costs a
/// few milliseconds and happens only when capabilities changed. The C heap is trimmed with it: libvirt's replies
/// were allocated there, and glibc keeps freed pages of a thread's arena resident.
/// </summary>
public sealed class IdleMemoryReclaimer : IDisposable
{
    /// <summary>How long after the last request the collection runs: long enough for the rendering that follows a poll.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    private readonly ITimer timer;

    public IdleMemoryReclaimer(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        timer = time.CreateTimer(_ => Reclaim(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Asks for one collection <see cref="Delay"/> from now; a later request moves it.</summary>
    public void Request() => timer.Change(Delay, Timeout.InfiniteTimeSpan);

    public void Dispose() => timer.Dispose();

    private static void Reclaim()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
    }
}
