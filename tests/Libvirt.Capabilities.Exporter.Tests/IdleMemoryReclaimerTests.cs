using Libvirt.Capabilities.Exporter.Polling;
using Microsoft.Extensions.Time.Testing;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// The reclaimer collects after the quiet delay that follows the last request. (That it collects only once cannot
/// be asserted reliably: tests running in parallel may cause full collections of their own.)
/// </summary>
public sealed class IdleMemoryReclaimerTests
{
    [Fact]
    public void A_burst_of_requests_collects_after_the_delay_that_follows_the_last()
    {
        var time = new FakeTimeProvider();
        using var reclaimer = new IdleMemoryReclaimer(time);
        var before = GC.CollectionCount(GC.MaxGeneration);

        reclaimer.Request();
        time.Advance(IdleMemoryReclaimer.Delay / 2);
        reclaimer.Request(); // Moves the collection: the burst is not over yet.
        time.Advance(IdleMemoryReclaimer.Delay / 2);
        var duringBurst = GC.CollectionCount(GC.MaxGeneration);
        time.Advance(IdleMemoryReclaimer.Delay / 2);
        var after = GC.CollectionCount(GC.MaxGeneration);

        Assert.True(after > duringBurst, $"no full collection after the delay ({before} -> {duringBurst} -> {after})");
    }
}
