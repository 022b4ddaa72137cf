using BenchmarkDotNet.Attributes;
using Libvirt.Capabilities.Exporter.Collection;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Benchmarks;

/// <summary>
/// The poll-path CPU cost: parsing every document of the libvirt corpus (domain and host capabilities),
/// then turning them into samples. Compare with bench/elementtree.py on the same files.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private string[] domainCaps = [];
    private string[] hostCaps = [];

    [GlobalSetup]
    public void Setup()
    {
        var corpus = Environment.GetEnvironmentVariable("LIBVIRT_CORPUS_DIR")
            ?? throw new InvalidOperationException("set LIBVIRT_CORPUS_DIR (scripts/bench.sh does)");
        domainCaps = [.. Directory.GetFiles(Path.Combine(corpus, "domaincaps"), "*.xml").Order().Select(File.ReadAllText)];
        hostCaps = [.. Directory.GetFiles(Path.Combine(corpus, "hostcaps"), "*.xml").Order().Select(File.ReadAllText)];
        Console.WriteLine($"// corpus: {domainCaps.Length + hostCaps.Length} documents, {(domainCaps.Sum(d => d.Length) + hostCaps.Sum(h => h.Length)) / 1e6:F2} M characters");
    }

    [Benchmark]
    public int ParseCorpus()
    {
        var count = 0;
        foreach (var xml in domainCaps)
        {
            count += DomainCapabilitiesParser.Parse(xml).Enums.Count;
        }

        foreach (var xml in hostCaps)
        {
            count += HostCapabilitiesParser.Parse(xml).Guests.Count;
        }

        return count;
    }

    [Benchmark]
    public int ParseAndCollectCorpus()
    {
        var samples = new List<Sample>();
        foreach (var xml in domainCaps)
        {
            var caps = DomainCapabilitiesParser.Parse(xml);
            CapabilitySamples.AddDomainCaps(samples, "bench", new CollectedDomainCaps(DomainCapsCombination.Of(caps), caps));
        }

        foreach (var xml in hostCaps)
        {
            CapabilitySamples.AddHost(samples, "bench", HostCapabilitiesParser.Parse(xml));
        }

        return samples.Count;
    }
}
