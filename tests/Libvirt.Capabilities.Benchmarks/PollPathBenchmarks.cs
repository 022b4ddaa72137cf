using BenchmarkDotNet.Attributes;
using Libvirt.Capabilities.Exporter.Collection;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;
using Libvirt.Capabilities.Parsing;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;

namespace Libvirt.Capabilities.Benchmarks;

/// <summary>
/// Each step of a poll after libvirt answered, on one corpus-sized poll (the richest host capabilities of the
/// corpus plus every domain-capabilities document of it as one target's combinations): sample building, drift
/// facts and comparison, publication, rendering both formats with their gzip twins, whole and after a poll that changed nothing (what
/// <see cref="ExpositionRenderer"/> does once per change), and the state file write. bench/run.sh measures
/// the same steps end to end against the live libvirtd; this says which step costs what.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class PollPathBenchmarks
{
    private const string Target = "bench";

    private HostCapabilities host = null!;
    private List<CollectedDomainCaps> domainCaps = [];
    private List<Sample> samples = [];
    private Dictionary<string, SeriesFact> facts = [];
    private SnapshotPublisher publisher = null!;
    private ExpositionRenderer renderer = null!;
    private StateStore store = null!;
    private string stateDirectory = "";
    private long polls;

    private static readonly MetricFamily Health = MetricFamily.Target("bench_polls", "Polls so far.");

    [GlobalSetup]
    public void Setup()
    {
        var corpus = Environment.GetEnvironmentVariable("LIBVIRT_CORPUS_DIR")
            ?? throw new InvalidOperationException("set LIBVIRT_CORPUS_DIR (scripts/bench.sh does)");
        host = HostCapabilitiesParser.Parse(File.ReadAllText(Path.Combine(corpus, "hostcaps", "capabilityschemadata__caps-qemu-real-full.xml")));
        domainCaps =
        [
            .. Directory.GetFiles(Path.Combine(corpus, "domaincaps"), "*.xml").Order()
                .Select(f => DomainCapabilitiesParser.Parse(File.ReadAllText(f)))
                .Select(caps => new CollectedDomainCaps(DomainCapsCombination.Of(caps), caps)),
        ];
        samples = BuildSamples();
        facts = DriftDetector.Facts(samples);

        var registry = Prometheus.Metrics.NewCustomRegistry();
        publisher = new SnapshotPublisher();
        publisher.Publish(Target, samples);
        renderer = new ExpositionRenderer(registry, publisher, null, NullLogger<ExpositionRenderer>.Instance);
        renderer.RenderAsync(CancellationToken.None).GetAwaiter().GetResult();
        var current = renderer.Current;

        stateDirectory = Directory.CreateTempSubdirectory("lce-bench-state.").FullName;
        store = new StateStore(stateDirectory);
        Console.WriteLine($"// one poll: {domainCaps.Count} domain-capabilities documents, {samples.Count} samples, {facts.Count} drift facts; " +
            $"text {current.Text.Length} bytes (gzip {current.TextGzip.Length}), OpenMetrics {current.OpenMetrics.Length} (gzip {current.OpenMetricsGzip.Length})");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(stateDirectory, recursive: true);

    /// <summary>Parsed documents to samples (section collectors, fingerprints).</summary>
    [Benchmark]
    public List<Sample> BuildSamples()
    {
        var built = new List<Sample>();
        CapabilitySamples.AddHost(built, Target, host);
        foreach (var caps in domainCaps)
        {
            CapabilitySamples.AddDomainCaps(built, Target, caps);
        }

        FingerprintCollector.Add(built, Target);
        return built;
    }

    /// <summary>Samples to the facts drift compares (their keys included).</summary>
    [Benchmark]
    public int DriftFacts()
    {
        var count = 0;
        foreach (var fact in DriftDetector.Facts(samples).Values)
        {
            count += fact.Key.Length;
        }

        return count;
    }

    /// <summary>The common case: a poll equal to the previous one.</summary>
    [Benchmark]
    public int DriftDiffUnchanged() => DriftDetector.Diff(Target, facts, facts, DateTimeOffset.UnixEpoch).Count;

    /// <summary>A poll's set published again (steady state: same series, each family found unchanged).</summary>
    [Benchmark]
    public void Publish() => publisher.Publish(Target, samples);

    /// <summary>
    /// A rendering after a poll equal to the previous one: the target's capability families are unchanged (their
    /// bytes and gzip members are reused), one health family has a new value. What each steady-state poll costs.
    /// </summary>
    [Benchmark]
    public Task RenderAfterUnchangedPoll()
    {
        publisher.Publish(Target, [.. samples, new Sample(Health, [Target], ++polls)]);
        return renderer.RenderAsync(CancellationToken.None);
    }

    /// <summary>Every family of the target changed: both formats serialized and gzipped whole (a first poll, or drift everywhere).</summary>
    [Benchmark]
    public Task RenderAllChanged()
    {
        publisher.Publish(Target, []);
        publisher.Publish(Target, samples);
        return renderer.RenderAsync(CancellationToken.None);
    }

    /// <summary>The state file of the target (JSON, fsync, rename): only when facts changed.</summary>
    [Benchmark]
    public void SaveState() =>
        store.Save(new PersistedTarget(StateStore.FormatVersion, Target, "bench", DateTimeOffset.UnixEpoch, "9.0.0", "7.2.0", [.. facts.Values]));
}
