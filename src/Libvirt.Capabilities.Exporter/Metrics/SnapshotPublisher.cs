using Prometheus;

namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// Applies whole per-target sample sets to prometheus-net gauges: sets every new series and removes every
/// series of that target the new set no longer has, so a vanished capability never lingers. Pollers
/// <see cref="Stage"/> a set; <see cref="ExpositionRenderer"/> applies it and renders the bytes scrapes serve.
/// </summary>
public sealed class SnapshotPublisher(CollectorRegistry registry)
{
    private readonly Dictionary<string, IReadOnlyList<Sample>> staged = new(StringComparer.Ordinal);

    /// <summary>Raised with every staged set, e.g. for the OpenTelemetry mirror of the metrics.</summary>
    public event Action<string, IReadOnlyList<Sample>>? Staged;

    /// <summary>Raised after every staged set, so the exposition is rendered again.</summary>
    public event Action? Changed;

    /// <summary>Hands a target's complete sample set over for the next scrape; replaces any set not yet applied.</summary>
    public void Stage(string target, IReadOnlyList<Sample> samples)
    {
        lock (gate)
        {
            staged[target] = samples;
        }

        Staged?.Invoke(target, samples);
        Changed?.Invoke();
    }

    /// <summary>Applies every staged set. Idempotent and safe to call from concurrent scrapes.</summary>
    public void ApplyStaged()
    {
        lock (gate)
        {
            foreach (var (target, samples) in staged)
            {
                Publish(target, samples);
            }

            staged.Clear();
        }
    }

    private readonly Lock gate = new();
    private readonly MetricFactory factory = Prometheus.Metrics.WithCustomRegistry(registry);
    private readonly Dictionary<string, Gauge> gauges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<SeriesKey, string[]>> publishedByTarget = new(StringComparer.Ordinal);

    /// <summary>Applies one target's set at once (used directly by render).</summary>
    public void Publish(string target, IReadOnlyList<Sample> samples)
    {
        lock (gate)
        {
            var previous = publishedByTarget.GetValueOrDefault(target) ?? [];
            var current = new Dictionary<SeriesKey, string[]>(samples.Count);
            foreach (var sample in samples)
            {
                var gauge = GaugeFor(sample.Family);
                gauge.WithLabels(sample.LabelValues).Set(sample.Value);
                current[new SeriesKey(sample.Family.Name, string.Join('\u001f', sample.LabelValues))] = sample.LabelValues;
            }

            foreach (var (key, labels) in previous)
            {
                if (!current.ContainsKey(key))
                {
                    gauges[key.Family].RemoveLabelled(labels);
                }
            }

            publishedByTarget[target] = current;
        }
    }

    /// <summary>Removes every series of a target (it left the configuration).</summary>
    public void Remove(string target) => Publish(target, []);

    private Gauge GaugeFor(MetricFamily family)
    {
        if (!gauges.TryGetValue(family.Name, out var gauge))
        {
            gauge = factory.CreateGauge(family.Name, family.Help, [.. family.LabelNames]);
            gauges[family.Name] = gauge;
        }

        return gauge;
    }

    private readonly record struct SeriesKey(string Family, string Labels);
}
