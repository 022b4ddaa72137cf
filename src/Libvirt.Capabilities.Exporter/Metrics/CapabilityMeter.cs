using System.Diagnostics.Metrics;

namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// Mirrors every staged gauge sample as an OpenTelemetry observable gauge (System.Diagnostics.Metrics), so
/// OTLP receives the same capability metrics as /metrics. Only created when OTLP export is configured.
/// </summary>
public sealed class CapabilityMeter : IDisposable
{
    public const string MeterName = "Libvirt.Capabilities.Exporter";

    private readonly Lock gate = new();
    private readonly Meter meter = new(MeterName, BuildInfo.Version);
    private readonly Dictionary<string, IReadOnlyList<Sample>> samplesByTarget = new(StringComparer.Ordinal);
    private readonly HashSet<string> instruments = new(StringComparer.Ordinal);

    /// <summary>Replaces a target's samples; the next collection by the OpenTelemetry reader sees them.</summary>
    public void Update(string target, IReadOnlyList<Sample> samples)
    {
        lock (gate)
        {
            samplesByTarget[target] = samples;
            foreach (var family in samples.Select(s => s.Family).DistinctBy(f => f.Name))
            {
                if (instruments.Add(family.Name))
                {
                    meter.CreateObservableGauge(family.Name, () => Observe(family.Name), description: family.Help);
                }
            }
        }
    }

    private List<Measurement<double>> Observe(string family)
    {
        lock (gate)
        {
            return [.. samplesByTarget.Values
                .SelectMany(samples => samples)
                .Where(s => s.Family.Name == family)
                .Select(s => new Measurement<double>(
                    s.Value,
                    s.Family.LabelNames.Select((name, i) => new KeyValuePair<string, object?>(name, s.LabelValues[i])).ToArray()))];
        }
    }

    public void Dispose() => meter.Dispose();
}
