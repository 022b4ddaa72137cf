using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Libvirt.Capabilities.Interop;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// The waits of the real polling loop (<see cref="TargetPoller.RunAsync"/>), read back from the timers it creates
/// on a fake clock: after a failure the wait starts at BackoffInitial and doubles up to BackoffMax, never longer
/// than the interval, and a complete poll resets it; after a complete poll the wait is the interval ±Jitter.
/// </summary>
public sealed class BackoffTests : IDisposable
{
    // Distinct from every expected wait, so the per-call timeout timers can be told apart from the loop's waits.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(13.7);

    private readonly PollerHarness harness = new();
    private readonly RecordingTimeProvider time = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task Failures_double_the_wait_from_the_initial_backoff_up_to_the_maximum()
    {
        harness.Libvirt.HostError = Failure();
        var waits = await Run(new PollOptions { Interval = TimeSpan.FromMinutes(10), Timeout = Timeout, BackoffInitial = TimeSpan.FromSeconds(1), BackoffMax = TimeSpan.FromSeconds(8), Jitter = 0 }, 7);

        Assert.Equal(new[] { 1, 2, 4, 8, 8, 8, 8 }.Select(s => TimeSpan.FromSeconds(s)), waits);
    }

    [Fact]
    public async Task The_backoff_never_exceeds_the_interval()
    {
        harness.Libvirt.HostError = Failure();
        var waits = await Run(new PollOptions { Interval = TimeSpan.FromSeconds(3), Timeout = Timeout, BackoffInitial = TimeSpan.FromSeconds(1), BackoffMax = TimeSpan.FromMinutes(5), Jitter = 0 }, 5);

        Assert.Equal(new[] { 1, 2, 3, 3, 3 }.Select(s => TimeSpan.FromSeconds(s)), waits);
    }

    [Fact]
    public async Task A_complete_poll_resets_the_backoff()
    {
        harness.Libvirt.HostError = Failure();
        var poll = new PollOptions { Interval = TimeSpan.FromSeconds(60), Timeout = Timeout, BackoffInitial = TimeSpan.FromSeconds(2), BackoffMax = TimeSpan.FromSeconds(30), Jitter = 0 };

        // fail, fail, fail, succeed, fail: 2, 4, 8, the interval, 2 again.
        var waits = await Run(poll, 5, beforeWait: n => harness.Libvirt.HostError = n == 2 ? null : Failure());

        Assert.Equal(new[] { 2, 4, 8, 60, 2 }.Select(s => TimeSpan.FromSeconds(s)), waits);
    }

    [Fact]
    public async Task After_a_complete_poll_the_wait_is_the_interval_within_the_jitter()
    {
        var interval = TimeSpan.FromSeconds(100);
        var waits = await Run(new PollOptions { Interval = interval, Timeout = Timeout, Jitter = 0.2 }, 40);

        Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(120)));
        Assert.Contains(waits, w => w < interval); // Spread on both sides, not a constant offset.
        Assert.Contains(waits, w => w > interval);
        Assert.True(waits.Distinct().Count() > 30, string.Join(", ", waits));
    }

    [Fact]
    public async Task A_target_interval_overrides_the_default_and_caps_the_backoff()
    {
        harness.Libvirt.HostError = Failure();
        var target = new TargetOptions { Name = "t1", Uri = "qemu+tcp://recorded/system", Interval = TimeSpan.FromSeconds(5) };
        var waits = await Run(new PollOptions { Interval = TimeSpan.FromMinutes(10), Timeout = Timeout, BackoffInitial = TimeSpan.FromSeconds(2), BackoffMax = TimeSpan.FromMinutes(1), Jitter = 0 }, 4, target: target);

        Assert.Equal(new[] { 2, 4, 5, 5 }.Select(s => TimeSpan.FromSeconds(s)), waits);
    }

    /// <summary>
    /// Runs the loop until it has asked for <paramref name="count"/> waits, advancing the fake clock by each wait
    /// as soon as it is asked for; <paramref name="beforeWait"/> sees the number of waits so far before each advance.
    /// </summary>
    private async Task<List<TimeSpan>> Run(PollOptions poll, int count, Action<int>? beforeWait = null, TargetOptions? target = null)
    {
        using var poller = PollerFactory.Create(harness, target ?? new TargetOptions { Name = "t1", Uri = "qemu+tcp://recorded/system" }, poll, time: time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var loop = poller.RunAsync(stop.Token);
        var waits = new List<TimeSpan>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (waits.Count < count)
        {
            var asked = time.DueTimes.Where(d => d != Timeout).ToList();
            if (asked.Count > waits.Count)
            {
                var wait = asked[waits.Count];
                waits.Add(wait);
                beforeWait?.Invoke(waits.Count - 1);
                time.Advance(wait);
                continue;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the loop asked for {asked.Count} waits, not {count}: {string.Join(", ", asked)}");
            Assert.False(loop.IsCompleted, "the polling loop ended");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();
        await loop;
        return waits;
    }

    private static LibvirtException Failure() =>
        new("virConnectGetCapabilities", 38, 7, "End of file while reading data: Input/output error");
}
