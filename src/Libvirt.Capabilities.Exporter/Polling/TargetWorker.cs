namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>
/// The one thread on which a target's blocking libvirt calls run. libvirt's C API blocks until the daemon
/// answers, and a call cannot be cancelled, so a call that overruns its deadline keeps this thread until
/// libvirt returns. While it does, the target refuses new calls (reported as a timeout) instead of piling
/// up blocked threads and connections; and because these calls never run on the thread pool, a hung daemon
/// can never starve the HTTP server.
/// </summary>
public sealed class TargetWorker : IDisposable
{
    private readonly Thread thread;
    private readonly SemaphoreSlim ready = new(0);
    private readonly TimeProvider time;
    private WorkItem? pending;
    private volatile bool disposed;

    public TargetWorker(string target, TimeProvider time)
    {
        this.time = time;
        thread = new Thread(Loop) { IsBackground = true, Name = $"libvirt {target}" };
        thread.Start();
    }

    /// <summary>The step in progress (connect, identity, host, domain); the caller's work updates it.</summary>
    public Progress Current { get; } = new();

    /// <summary>
    /// Runs <paramref name="work"/> on the target's thread and waits at most <paramref name="timeout"/>. The work
    /// receives a token that is cancelled when the caller gives up, so it stops at its next step.
    /// </summary>
    /// <exception cref="TimeoutException">The work overran, or an earlier call has still not returned.</exception>
    public async Task<T> RunAsync<T>(string stage, Func<CancellationToken, T> work, TimeSpan timeout, CancellationToken stopping)
    {
        var item = new WorkItem(abandon => work(abandon), time.GetTimestamp());
        if (Interlocked.CompareExchange(ref pending, item, null) is { } busy)
        {
            throw new StepTimeoutException(
                Current.Stage,
                $"the previous {Current.Stage} call to libvirt has not returned after {time.GetElapsedTime(busy.Started).TotalSeconds:0}s; no new call is made until it does");
        }

        Current.Stage = stage;
        ready.Release();
        try
        {
            return (T)(await item.Result.Task.WaitAsync(timeout, time, stopping).ConfigureAwait(false))!;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await item.Abandon.CancelAsync().ConfigureAwait(false);
            _ = item.Result.Task.ContinueWith(DisposeLateResult, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new StepTimeoutException(Current.Stage, $"no answer from libvirt within {timeout.TotalSeconds:0.#}s during {Current.Stage}");
        }
    }

    /// <summary>Nobody owns what an abandoned call returns (e.g. a connection that opened after its deadline).</summary>
    private static void DisposeLateResult(Task<object?> late)
    {
        if (late.IsCompletedSuccessfully && late.Result is IDisposable owned)
        {
            owned.Dispose();
        }

        _ = late.Exception; // Observed: a late failure is expected and already accounted for as the timeout.
    }

    private void Loop()
    {
        while (!disposed)
        {
            ready.Wait();
            if (Volatile.Read(ref pending) is not { } item)
            {
                continue;
            }

            object? result = null;
            Exception? failure = null;
            try
            {
                result = item.Work(item.Abandon.Token);
            }
            catch (Exception e)
            {
                failure = e;
            }

            // Free the slot before the caller resumes, or its next call would find the target still busy.
            Volatile.Write(ref pending, null);
            if (failure is null)
            {
                item.Result.TrySetResult(result);
            }
            else
            {
                item.Result.TrySetException(failure);
            }
        }
    }

    public void Dispose()
    {
        disposed = true;
        ready.Release(); // A thread stuck in libvirt ends when libvirt returns; it is a background thread meanwhile.
    }

    /// <summary>The stage of the work in progress, written by the work itself.</summary>
    public sealed class Progress
    {
        private volatile string stage = "connect";

        public string Stage
        {
            get => stage;
            set => stage = value;
        }
    }

    private sealed class WorkItem(Func<CancellationToken, object?> work, long started)
    {
        public Func<CancellationToken, object?> Work { get; } = work;

        public long Started { get; } = started;

        /// <summary>Cancelled when the caller gives up. Never disposed: it has no timer, and the caller may cancel it late.</summary>
        public CancellationTokenSource Abandon { get; } = new();

        public TaskCompletionSource<object?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
