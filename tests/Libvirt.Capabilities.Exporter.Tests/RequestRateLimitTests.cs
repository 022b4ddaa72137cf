using Libvirt.Capabilities.Exporter.Web.Security;
using Microsoft.Extensions.Time.Testing;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>rate_limit's token bucket and the Go durations that configure it.</summary>
public sealed class RequestRateLimitTests
{
    [Fact]
    public void Allows_a_burst_then_one_request_per_interval()
    {
        var time = new FakeTimeProvider();
        var limit = new RequestRateLimit(TimeSpan.FromSeconds(1), 2, time);

        Assert.True(limit.TryTake());
        Assert.True(limit.TryTake());
        Assert.False(limit.TryTake());
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(limit.TryTake());
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(limit.TryTake());
        Assert.False(limit.TryTake());

        // A long pause refills the bucket to the burst, not beyond.
        time.Advance(TimeSpan.FromHours(1));
        Assert.True(limit.TryTake());
        Assert.True(limit.TryTake());
        Assert.False(limit.TryTake());
    }

    [Theory]
    [InlineData("1s", 1_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData(".5s", 500)]
    [InlineData("2000us", 2)]
    [InlineData("0", 0)]
    [InlineData("250000000", 250)]
    public void Go_durations_parse(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.Parse(text));

    [Theory]
    [InlineData("1d")]
    [InlineData("s")]
    [InlineData("-1s")]
    [InlineData("1 s")]
    [InlineData("")]
    public void Other_text_is_not_a_duration(string text) => Assert.Null(GoDuration.Parse(text));
}
