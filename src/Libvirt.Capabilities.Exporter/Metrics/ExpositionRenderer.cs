using System.IO.Compression;
using Prometheus;

namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// Renders the registry once per change instead of once per scrape: capability data only changes when a poll
/// ends, so every scrape in between is a copy of the same bytes. Pollers call <see cref="Invalidate"/>; this
/// service applies the staged sample sets, serializes both formats with prometheus-net, gzips them, and swaps
/// <see cref="Current"/>. Bursts of polls ending together are rendered once.
/// </summary>
public sealed partial class ExpositionRenderer(CollectorRegistry registry, SnapshotPublisher publisher, ILogger<ExpositionRenderer> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim changed = new(0, 1);
    private readonly SemaphoreSlim rendering = new(1, 1);
    private volatile Exposition current = Exposition.Empty;

    /// <summary>The latest rendering; never blocks.</summary>
    public Exposition Current => current;

    /// <summary>Something changed: render again soon. Cheap and safe from any thread.</summary>
    public void Invalidate()
    {
        try
        {
            changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A rendering is already pending: it will include this change.
        }
    }

    /// <summary>Applies staged samples and renders now (also used at start and by tests).</summary>
    public async Task RenderAsync(CancellationToken cancel)
    {
        // One at a time, so an older rendering can never replace a newer one.
        await rendering.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            publisher.ApplyStaged();
            var text = await Serialize(ExpositionFormat.PrometheusText, cancel).ConfigureAwait(false);
            var openMetrics = await Serialize(ExpositionFormat.OpenMetricsText, cancel).ConfigureAwait(false);
            current = new Exposition(text, Gzip(text), openMetrics, Gzip(openMetrics), DateTimeOffset.UtcNow);
        }
        finally
        {
            rendering.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        publisher.Changed += Invalidate;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RenderAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRenderFailed(e); // The previous rendering stays served.
                }

                await changed.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown.
        }
        finally
        {
            publisher.Changed -= Invalidate;
        }
    }

    private async Task<byte[]> Serialize(ExpositionFormat format, CancellationToken cancel)
    {
        using var buffer = new MemoryStream(current.Text.Length + 4096);
        await registry.CollectAndExportAsTextAsync(buffer, format, cancel).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream(bytes.Length / 8 + 64);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(LogEvents.RenderFailed, LogLevel.Error, "Rendering the metrics failed; the previous rendering stays served")]
    private partial void LogRenderFailed(Exception exception);
}
