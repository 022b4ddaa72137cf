using System.IO.Compression;
using Libvirt.Capabilities.Exporter.Collection.DomainCaps;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Web;
using Libvirt.Capabilities.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>The pre-rendered exposition: negotiated format and encoding, same content either way, one snapshot per scrape.</summary>
public sealed class MetricsEndpointTests
{
    private readonly ExpositionRenderer renderer;
    private readonly SnapshotPublisher publisher;

    public MetricsEndpointTests()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        publisher = new SnapshotPublisher();
        var health = new HealthMetrics();
        renderer = new ExpositionRenderer(registry, publisher, health, NullLogger<ExpositionRenderer>.Instance);
        health.CountError("t1", "timeout");
        publisher.Stage("t1", [new Sample(FeatureCollector.Supported, ["t1", "/usr/bin/qemu", "x86_64", "q35", "kvm", "backup"], 1)]);
    }

    [Theory]
    [InlineData("", "", "text/plain; version=0.0.4")]
    [InlineData("", "gzip, deflate", "text/plain; version=0.0.4")]
    [InlineData("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5", "", "application/openmetrics-text")]
    [InlineData("application/openmetrics-text;version=1.0.0", "gzip", "application/openmetrics-text")]
    public async Task Serves_the_negotiated_format_and_encoding(string accept, string acceptEncoding, string contentType)
    {
        await renderer.RenderAsync(TestContext.Current.CancellationToken);
        var (headers, body) = await ScrapeAsync(accept, acceptEncoding);

        Assert.StartsWith(contentType, headers.ContentType, StringComparison.Ordinal);
        Assert.Equal(acceptEncoding.Contains("gzip", StringComparison.Ordinal) ? "gzip" : null, headers.ContentEncoding.FirstOrDefault());
        var text = acceptEncoding.Contains("gzip", StringComparison.Ordinal) ? Gunzip(body) : System.Text.Encoding.UTF8.GetString(body);
        Assert.Contains("libvirt_domcaps_feature_supported{target=\"t1\",emulator=\"/usr/bin/qemu\",arch=\"x86_64\",machine=\"q35\",virt_type=\"kvm\",feature=\"backup\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_scrape_errors_total{target=\"t1\",reason=\"timeout\"} 1", text, StringComparison.Ordinal);
        if (contentType.StartsWith("application/openmetrics", StringComparison.Ordinal))
        {
            // promtool 2.42 has no OpenMetrics parser (it lints counters as text format); a real Prometheus, which
            // asks for OpenMetrics first, parses this rendering in the end-to-end suite.
            Assert.EndsWith("# EOF", text.TrimEnd(), StringComparison.Ordinal);
            Assert.Contains("# TYPE libvirt_capabilities_scrape_errors counter", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("# EOF", text, StringComparison.Ordinal);
            Promtool.AssertValid(text);
        }
    }

    [Fact]
    public async Task A_staged_change_is_served_only_after_the_next_rendering()
    {
        await renderer.RenderAsync(TestContext.Current.CancellationToken);
        var before = renderer.Current;
        publisher.Stage("t1", []);
        Assert.Same(before, renderer.Current); // Scrapes keep seeing one whole snapshot until the next rendering.

        await renderer.RenderAsync(TestContext.Current.CancellationToken);
        var (_, body) = await ScrapeAsync("", "");
        Assert.DoesNotContain("libvirt_domcaps_feature_supported{", System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    private async Task<(IHeaderDictionary Headers, byte[] Body)> ScrapeAsync(string accept, string acceptEncoding)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Headers.Accept = accept;
        context.Request.Headers.AcceptEncoding = acceptEncoding;
        using var body = new MemoryStream();
        context.Response.Body = body;
        await MetricsEndpoint.WriteAsync(context, renderer);
        Assert.Equal(body.Length, context.Response.ContentLength);
        return (context.Response.Headers, body.ToArray());
    }

    private static string Gunzip(byte[] bytes)
    {
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    }
}
