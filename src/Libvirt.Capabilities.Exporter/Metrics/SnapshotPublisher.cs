using Prometheus;

namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// Applies whole per-target sample sets to prometheus-net gauges: sets every new series and removes every
/// series of that target the new set no longer has, so a vanished capability never lingers. Publishing and
/// scrapes may race, so all changes happen under one lock.
/// </summary>
public sealed class SnapshotPublisher(CollectorRegistry registry)
{
    private readonly Lock gate = new();
    private readonly MetricFactory factory = Prometheus.Metrics.WithCustomRegistry(registry);
    private readonly Dictionary<string, Gauge> gauges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<SeriesKey, string[]>> publishedByTarget = new(StringComparer.Ordinal);

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
