using Prometheus;

namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// Renders the exposition once per change instead of once per scrape: capability data only changes when a poll
/// ends, so every scrape in between is a copy of the same bytes. Pollers stage sample sets and raise
/// <see cref="Invalidate"/>; this service applies them and swaps <see cref="Current"/>. Bursts of polls ending
/// together are rendered once.
/// <para>
/// A rendering costs what changed, not what is published: prometheus-net serializes each published family of
/// each key (target or group) on its own, only when it changed, and the parts are assembled family by family, so
/// every family keeps one HELP/TYPE across all keys. Each family is one deflate segment of the gzip body,
/// compressed again only when a part of it changed (<see cref="DeflateSegments"/>). The health counters and
/// histograms are one registry per target (<see cref="HealthMetrics"/>; none for the <c>render</c> command of
/// files), serialized only when that target's version changed; the shared registry (build info) is serialized
/// each time.
/// </para>
/// </summary>
public sealed partial class ExpositionRenderer(CollectorRegistry registry, SnapshotPublisher publisher, HealthMetrics? health, ILogger<ExpositionRenderer> logger)
    : BackgroundService
{
    private static readonly byte[] Eof = "# EOF\n"u8.ToArray();
    private static readonly DeflateSegments.Segment EofDeflate = DeflateSegments.Compress([Eof]);

    private readonly SemaphoreSlim changed = new(0, 1);
    private readonly SemaphoreSlim rendering = new(1, 1);
    private volatile Exposition current = Exposition.Empty;

    // The registry's serializations, reused (touched only under `rendering`).
    private readonly MemoryStream textBuffer = new();
    private readonly MemoryStream openMetricsBuffer = new();

    // Caches of the last rendering, touched only under `rendering`.
    private Dictionary<PublishedFamily, RenderedPart> parts = [];
    private Dictionary<string, RenderedPart> registryParts = new(StringComparer.Ordinal);
    private Dictionary<string, RenderedPart>? healthFamilies;
    private Dictionary<string, TargetHealthParts> healthParts = new(StringComparer.Ordinal);
    private Dictionary<byte[], CompressedUnit> textSegments = new(ReferenceEqualityComparer.Instance);
    private Dictionary<byte[], CompressedUnit> openMetricsSegments = new(ReferenceEqualityComparer.Instance);

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
            var families = new List<(string Name, List<RenderedPart> Parts)>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            void Add(string name, RenderedPart part)
            {
                if (!index.TryGetValue(name, out var i))
                {
                    index[name] = i = families.Count;
                    families.Add((name, []));
                }

                families[i].Parts.Add(part);
            }

            // The health families first, as they were registered first: their headers, then each target's series.
            if (health is not null)
            {
                healthFamilies ??= await RegistryPartsAsync(health.Families, [], cancel).ConfigureAwait(false);
            }

            foreach (var (name, part) in healthFamilies ?? [])
            {
                Add(name, part);
            }

            var healthRendered = new Dictionary<string, TargetHealthParts>(StringComparer.Ordinal);
            foreach (var target in health?.Registries() ?? [])
            {
                if (!healthParts.TryGetValue(target.Target, out var known) || known.Version != target.Version)
                {
                    known = new TargetHealthParts(target.Version, await RegistryPartsAsync(target.Registry, known?.Parts ?? [], cancel).ConfigureAwait(false));
                }

                healthRendered[target.Target] = known;
                foreach (var (name, part) in known.Parts)
                {
                    Add(name, part);
                }
            }

            healthParts = healthRendered;
            registryParts = await RegistryPartsAsync(registry, registryParts, cancel).ConfigureAwait(false);
            foreach (var (name, part) in registryParts)
            {
                Add(name, part);
            }

            var rendered = new Dictionary<PublishedFamily, RenderedPart>(parts.Count);
            foreach (var family in publisher.Published())
            {
                if (!parts.TryGetValue(family, out var part))
                {
                    part = await RenderAsync(family, cancel).ConfigureAwait(false);
                }

                rendered[family] = part;
                Add(family.Family.Name, part);
            }

            parts = rendered;
            var (textBody, textGzip) = Assemble(families, p => p.Text, ref textSegments, []);
            var (openMetricsBody, openMetricsGzip) = Assemble(families, p => p.OpenMetrics, ref openMetricsSegments, Eof);
            current = new Exposition(textBody, textGzip, openMetricsBody, openMetricsGzip, DateTimeOffset.UtcNow);
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

    /// <summary>One key's family through prometheus-net, in a registry of its own: both formats, split into header and series.</summary>
    private static async Task<RenderedPart> RenderAsync(PublishedFamily family, CancellationToken cancel)
    {
        var own = Prometheus.Metrics.NewCustomRegistry();
        var gauge = Prometheus.Metrics.WithCustomRegistry(own).CreateGauge(family.Family.Name, family.Family.Help, [.. family.Family.LabelNames]);
        foreach (var sample in family.Samples)
        {
            gauge.WithLabels(sample.LabelValues).Set(sample.Value);
        }

        using var buffer = new MemoryStream();
        var text = ExpositionBlocks.Split((await SerializeAsync(own, ExpositionFormat.PrometheusText, buffer, cancel).ConfigureAwait(false)).Span).Single().Block;
        var openMetrics = ExpositionBlocks.Split((await SerializeAsync(own, ExpositionFormat.OpenMetricsText, buffer, cancel).ConfigureAwait(false)).Span).Single().Block;
        return new RenderedPart(text, openMetrics);
    }

    /// <summary>
    /// A registry's families, named as in the text format (OpenMetrics names counters without <c>_total</c>; both
    /// serializations list the families in the same order). A registry holds one target's health metrics (or none:
    /// build info), which change at every poll of that target, so each part is compressed apart and only the polled
    /// target's parts are compressed again. A header or series whose bytes did not change keeps its previous array,
    /// which is what the compressed segments are matched by.
    /// </summary>
    private async Task<Dictionary<string, RenderedPart>> RegistryPartsAsync(CollectorRegistry source, Dictionary<string, RenderedPart> previous, CancellationToken cancel)
    {
        var text = await SerializeAsync(source, ExpositionFormat.PrometheusText, textBuffer, cancel).ConfigureAwait(false);
        var openMetrics = await SerializeAsync(source, ExpositionFormat.OpenMetricsText, openMetricsBuffer, cancel).ConfigureAwait(false);
        return RegistryParts(text.Span, openMetrics.Span, previous);
    }

    private static Dictionary<string, RenderedPart> RegistryParts(ReadOnlySpan<byte> text, ReadOnlySpan<byte> openMetrics, Dictionary<string, RenderedPart> previous)
    {
        var textBlocks = ExpositionBlocks.Split(text);
        var openMetricsBlocks = ExpositionBlocks.Split(openMetrics);
        if (textBlocks.Count != openMetricsBlocks.Count)
        {
            throw new InvalidOperationException($"the registry serialized {textBlocks.Count} families as text but {openMetricsBlocks.Count} as OpenMetrics");
        }

        var result = new Dictionary<string, RenderedPart>(textBlocks.Count, StringComparer.Ordinal);
        for (var i = 0; i < textBlocks.Count; i++)
        {
            var (family, block) = textBlocks[i];
            var part = new RenderedPart(block, openMetricsBlocks[i].Block, CompressRunsApart: true);
            result[family] = previous.TryGetValue(family, out var old) ? old.Reuse(part) : part;
        }

        return result;
    }

    /// <summary>
    /// The body as segments (one header per family, then each part's series), and its gzip: one deflate segment per
    /// family, or per run where the part says so. A segment is compressed again only when one of its arrays changed.
    /// </summary>
    private static (Segments Body, Segments Gzip) Assemble(
        List<(string Name, List<RenderedPart> Parts)> families, Func<RenderedPart, ExpositionBlock> format, ref Dictionary<byte[], CompressedUnit> compressed, byte[] trailer)
    {
        var segments = new List<byte[]>();
        var deflated = new List<DeflateSegments.Segment>();
        var kept = new Dictionary<byte[], CompressedUnit>(compressed.Count, ReferenceEqualityComparer.Instance);
        foreach (var (_, familyParts) in families)
        {
            var units = new List<List<byte[]>> { new() { format(familyParts[0]).Header } };
            foreach (var part in familyParts)
            {
                foreach (var run in format(part).Series)
                {
                    if (part.CompressRunsApart && units[^1].Count > 1)
                    {
                        units.Add([]);
                    }

                    units[^1].Add(run);
                }
            }

            foreach (var unit in units)
            {
                segments.AddRange(unit);
                if (!compressed.TryGetValue(unit[0], out var done) || !done.Holds(unit))
                {
                    done = new CompressedUnit([.. unit], DeflateSegments.Compress(unit));
                }

                kept[unit[0]] = done;
                deflated.Add(done.Deflated);
            }
        }

        if (trailer.Length > 0)
        {
            segments.Add(trailer);
            deflated.Add(EofDeflate);
        }

        compressed = kept;
        var body = new Segments(segments);
        return (body, DeflateSegments.Gzip(deflated));
    }

    /// <summary>Serializes into <paramref name="buffer"/> (emptied first, kept between renderings: no large array per rendering).</summary>
    private static async Task<ReadOnlyMemory<byte>> SerializeAsync(CollectorRegistry source, ExpositionFormat format, MemoryStream buffer, CancellationToken cancel)
    {
        buffer.SetLength(0);
        await source.CollectAndExportAsTextAsync(buffer, format, cancel).ConfigureAwait(false);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    [LoggerMessage(LogEvents.RenderFailed, LogLevel.Error, "Rendering the metrics failed; the previous rendering stays served")]
    private partial void LogRenderFailed(Exception exception);

    /// <summary>One part in both formats; <paramref name="CompressRunsApart"/>: each run of its series is its own deflate segment.</summary>
    private sealed record RenderedPart(ExpositionBlock Text, ExpositionBlock OpenMetrics, bool CompressRunsApart = false)
    {
        /// <summary><paramref name="next"/>, with this part's arrays wherever the bytes are the same.</summary>
        public RenderedPart Reuse(RenderedPart next) => next with { Text = Text.Reuse(next.Text), OpenMetrics = OpenMetrics.Reuse(next.OpenMetrics) };
    }

    /// <summary>One target's health families as rendered at <paramref name="Version"/> of its registry.</summary>
    private sealed record TargetHealthParts(long Version, Dictionary<string, RenderedPart> Parts);

    /// <summary>A deflate segment and the arrays it was compressed from (compared by reference).</summary>
    private sealed record CompressedUnit(byte[][] Arrays, DeflateSegments.Segment Deflated)
    {
        public bool Holds(List<byte[]> arrays) =>
            arrays.Count == Arrays.Length && arrays.Zip(Arrays).All(p => ReferenceEquals(p.First, p.Second));
    }
}
