namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>
/// Runs the blocking libvirt work for one destination on a dedicated thread, never the thread pool, so a hung
/// libvirtd cannot starve scrapes or pollers. One job at a time: while a job runs (even past its deadline,
/// until libvirt returns), the lane refuses new work and the destination is reported as busy.
/// </summary>
public sealed class DestinationLane(string name)
{
    private int busy;

    public bool Busy => Volatile.Read(ref busy) == 1;

    /// <exception cref="TimeoutException">No answer within <paramref name="deadline"/>; the job keeps its thread until it returns.</exception>
    /// <exception cref="InvalidOperationException">The previous job of this destination has not returned yet.</exception>
    public Task<T> Run<T>(Func<T> job, TimeSpan deadline, TimeProvider time, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            return Task.FromException<T>(new InvalidOperationException($"a previous call to {name} has not returned yet"));
        }

        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var result = job();
                Volatile.Write(ref busy, 0);
                done.SetResult(result);
            }
            catch (Exception e)
            {
                Volatile.Write(ref busy, 0);
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "libvirt-fleet",
        };
        thread.Start();
        return WithDeadline(done.Task, deadline, time, cancel);
    }

    private static async Task<T> WithDeadline<T>(Task<T> work, TimeSpan deadline, TimeProvider time, CancellationToken cancel)
    {
        try
        {
            return await work.WaitAsync(deadline, time, cancel).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _ = work.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default); // A late failure is already accounted for.
            throw new TimeoutException($"no answer from libvirt within {deadline.TotalSeconds:0.#}s");
        }
    }
}
