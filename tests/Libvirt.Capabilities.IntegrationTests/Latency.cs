namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>Scrape latencies: reported as figures, asserted only against a generous bound.</summary>
public static class Latency
{
    /// <summary>Far above a healthy scrape (milliseconds): only a stuck endpoint exceeds it.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(2);

    public static TimeSpan P99(IReadOnlyCollection<TimeSpan> samples)
    {
        Assert.NotEmpty(samples);
        var sorted = samples.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.99) - 1)];
    }

    public static string Describe(IReadOnlyCollection<TimeSpan> samples) =>
        $"/metrics p99 {P99(samples).TotalMilliseconds:0} ms, max {samples.Max().TotalMilliseconds:0} ms over {samples.Count} scrapes";
}
