using System.IO.Compression;
using System.Text;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// The renderer assembles per-target, per-family parts and reuses the unchanged ones; the oracle is prometheus-net
/// serializing every sample in one registry, which is what the exporter served before it rendered by parts.
/// </summary>
public sealed class ExpositionRendererTests
{
    private static readonly MetricFamily Feature = MetricFamily.Target("test_feature", "A feature.", "feature");
    private static readonly MetricFamily Count = MetricFamily.Target("test_hosts", "A number of hosts.");
    private static readonly MetricFamily Model = MetricFamily.Target("test_model", "A model.", "model");

    private readonly CollectorRegistry registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly SnapshotPublisher publisher = new();
    private readonly HealthMetrics health = new();
    private readonly ExpositionRenderer renderer;

    public ExpositionRendererTests()
    {
        renderer = new ExpositionRenderer(registry, publisher, health, NullLogger<ExpositionRenderer>.Instance);
        health.CountError("t1", "timeout");
    }

    [Fact]
    public async Task Parts_of_many_targets_render_as_one_registry_would_with_one_header_per_family()
    {
        var sets = new Dictionary<string, List<Sample>>
        {
            ["t1"] = [new(Feature, ["t1", "a\"b\\c\nd"], 1), new(Feature, ["t1", "x"], 0), new(Count, ["t1"], 3)],
            ["t2"] = [new(Count, ["t2"], 4.5), new(Feature, ["t2", "x"], 1)],
            ["t3"] = [new(Model, ["t3", "Skylake"], double.NaN)],
        };
        await CheckAsync(sets);

        // One target changes: a family gains a series, another loses all of its.
        sets["t2"] = [new(Feature, ["t2", "x"], 1), new(Feature, ["t2", "y"], 1)];
        await CheckAsync(sets);

        // A target leaves; a family no target has any more leaves the exposition.
        sets.Remove("t3");
        await CheckAsync(sets);
        Assert.DoesNotContain("test_model", Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unchanged_family_keeps_its_bytes_across_renderings()
    {
        publisher.Stage("t1", [new(Feature, ["t1", "x"], 1), new(Count, ["t1"], 1)]);
        await renderer.RenderAsync(TestContext.Current.CancellationToken);
        var before = renderer.Current;

        publisher.Stage("t1", [new(Feature, ["t1", "x"], 1), new(Count, ["t1"], 2)]);
        await renderer.RenderAsync(TestContext.Current.CancellationToken);
        var after = renderer.Current;

        // The feature family's series are the very same array; the count family's are new.
        Assert.Contains(after.Text.Parts, p => Encoding.UTF8.GetString(p).StartsWith("test_feature{", StringComparison.Ordinal) && before.Text.Parts.Contains(p));
        Assert.DoesNotContain(after.Text.Parts, p => Encoding.UTF8.GetString(p).StartsWith("test_hosts{", StringComparison.Ordinal) && before.Text.Parts.Contains(p));
        Assert.Contains("test_hosts{target=\"t1\"} 2", Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_health_family_is_cut_by_target_and_an_unpolled_target_keeps_its_run()
    {
        health.CountError("t2", "timeout");
        await renderer.RenderAsync(TestContext.Current.CancellationToken);
        var before = renderer.Current;

        health.CountError("t1", "timeout");
        await renderer.RenderAsync(TestContext.Current.CancellationToken);
        var after = renderer.Current;

        static byte[] RunOf(Exposition e, string target) =>
            e.Text.Parts.Single(p => Encoding.UTF8.GetString(p).StartsWith($"libvirt_capabilities_scrape_errors_total{{target=\"{target}\"", StringComparison.Ordinal));
        Assert.Same(RunOf(before, "t2"), RunOf(after, "t2"));
        Assert.Equal("libvirt_capabilities_scrape_errors_total{target=\"t1\",reason=\"timeout\"} 2\n", Encoding.UTF8.GetString(RunOf(after, "t1")));
        Assert.Equal(Encoding.UTF8.GetString(after.Text.ToArray()), InflateFirstMember(after.TextGzip.ToArray()));
        Assert.Equal(Encoding.UTF8.GetString(after.OpenMetrics.ToArray()), InflateFirstMember(after.OpenMetricsGzip.ToArray()));
    }

    private async Task CheckAsync(Dictionary<string, List<Sample>> sets)
    {
        foreach (var key in new[] { "t1", "t2", "t3" })
        {
            publisher.Stage(key, sets.GetValueOrDefault(key) ?? []);
        }

        await renderer.RenderAsync(TestContext.Current.CancellationToken);
        var exposition = renderer.Current;
        foreach (var format in new[] { ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetricsText })
        {
            var openMetrics = format == ExpositionFormat.OpenMetricsText;
            var plain = Encoding.UTF8.GetString((openMetrics ? exposition.OpenMetrics : exposition.Text).ToArray());
            var gzip = openMetrics ? exposition.OpenMetricsGzip : exposition.TextGzip;
            Assert.Equal(plain, Gunzip(gzip.ToArray()));
            Assert.Equal(plain, InflateFirstMember(gzip.ToArray())); // One member: curl, for one, decodes only the first.
            var oracle = await OracleAsync(sets, format);
            Assert.Equal(oracle.Split('\n').Order(StringComparer.Ordinal), plain.Split('\n').Order(StringComparer.Ordinal));
            var helps = plain.Split('\n').Where(l => l.StartsWith("# HELP ", StringComparison.Ordinal)).ToList();
            Assert.Equal(helps.Distinct().Count(), helps.Count);
            Assert.Equal(openMetrics ? 1 : 0, plain.Split('\n').Count(l => l == "# EOF"));
            if (openMetrics)
            {
                Assert.EndsWith("# EOF\n", plain, StringComparison.Ordinal);
            }
            else
            {
                Promtool.AssertValid(plain);
            }
        }
    }

    private async Task<string> OracleAsync(Dictionary<string, List<Sample>> sets, ExpositionFormat format)
    {
        var all = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(all);

        // The health families in one registry, as the exporter served them before one registry per target.
        factory.CreateHistogram(HealthMetrics.ApiCallDurationFamily.Name, HealthMetrics.ApiCallDurationFamily.Help, [.. HealthMetrics.ApiCallDurationFamily.LabelNames]);
        factory.CreateCounter(HealthMetrics.ScrapeErrorsFamily.Name, HealthMetrics.ScrapeErrorsFamily.Help, [.. HealthMetrics.ScrapeErrorsFamily.LabelNames])
            .WithLabels("t1", "timeout").Inc();
        factory.CreateCounter(HealthMetrics.StateErrorsFamily.Name, HealthMetrics.StateErrorsFamily.Help, [.. HealthMetrics.StateErrorsFamily.LabelNames]);
        factory.CreateCounter(HealthMetrics.ChangesFamily.Name, HealthMetrics.ChangesFamily.Help, [.. HealthMetrics.ChangesFamily.LabelNames]);
        foreach (var sample in sets.Values.SelectMany(s => s))
        {
            factory.CreateGauge(sample.Family.Name, sample.Family.Help, [.. sample.Family.LabelNames]).WithLabels(sample.LabelValues).Set(sample.Value);
        }

        using var stream = new MemoryStream();
        await all.CollectAndExportAsTextAsync(stream, format, TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private string Text() => Encoding.UTF8.GetString(renderer.Current.Text.ToArray());

    /// <summary>The text of the gzip body's first member, read as a raw deflate stream after the 10-byte header.</summary>
    private static string InflateFirstMember(byte[] gzip)
    {
        Assert.Equal([0x1f, 0x8b, 8], gzip[..3]);
        using var deflate = new DeflateStream(new MemoryStream(gzip[10..]), CompressionMode.Decompress);
        using var reader = new StreamReader(deflate);
        var text = reader.ReadToEnd();
        Assert.Equal((uint)Encoding.UTF8.GetByteCount(text), BitConverter.ToUInt32(gzip, gzip.Length - 4));
        return text;
    }

    private static string Gunzip(byte[] bytes)
    {
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    }
}
