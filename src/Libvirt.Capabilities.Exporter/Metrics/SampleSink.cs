namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// Collects samples that share leading label values (the target, or the target plus a domain-capabilities
/// combination), so collectors only name the labels that are their own.
/// </summary>
public sealed class SampleSink(List<Sample> samples, params string[] commonLabelValues)
{
    public void Add(MetricFamily family, double value, params string?[] labelValues)
    {
        var values = new string[commonLabelValues.Length + labelValues.Length];
        commonLabelValues.CopyTo(values, 0);
        for (var i = 0; i < labelValues.Length; i++)
        {
            values[commonLabelValues.Length + i] = labelValues[i] ?? "";
        }

        samples.Add(new Sample(family, values, value));
    }

    public void Add(MetricFamily family, bool value, params string?[] labelValues) =>
        Add(family, value ? 1 : 0, labelValues);

    /// <summary>Adds the value when it is known; an absent fact is no series, never a made-up zero.</summary>
    public void AddIfKnown(MetricFamily family, double? value, params string?[] labelValues)
    {
        if (value is { } v)
        {
            Add(family, v, labelValues);
        }
    }

    public SampleSink With(params string?[] moreLabelValues) =>
        new(samples, [.. commonLabelValues, .. moreLabelValues.Select(v => v ?? "")]);
}
