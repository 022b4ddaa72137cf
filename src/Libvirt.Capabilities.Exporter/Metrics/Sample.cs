namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>One gauge value; <see cref="LabelValues"/> follow <see cref="MetricFamily.LabelNames"/>.</summary>
public readonly record struct Sample(MetricFamily Family, string[] LabelValues, double Value);
