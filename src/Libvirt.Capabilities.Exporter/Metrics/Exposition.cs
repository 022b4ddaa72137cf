namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// One rendering of every series, in both exposition formats, each beside its gzip twin. Immutable: a scrape
/// takes one reference and sends bytes, so it never waits for a poll and always sees one consistent state.
/// </summary>
public sealed record Exposition(Segments Text, Segments TextGzip, Segments OpenMetrics, Segments OpenMetricsGzip, DateTimeOffset RenderedAt)
{
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    public static readonly Exposition Empty = new(Segments.None, Segments.None, Segments.None, Segments.None, DateTimeOffset.UnixEpoch);
}
