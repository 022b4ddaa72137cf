namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>One key's samples of one family, as published. Immutable: a change is a new object.</summary>
public sealed class PublishedFamily(string key, MetricFamily family, Sample[] samples)
{
    public string Key => key;

    public MetricFamily Family => family;

    public IReadOnlyList<Sample> Samples => samples;

    /// <summary>True when <paramref name="other"/> has the same series with the same values, in the same order.</summary>
    public bool SameAs(List<Sample> other)
    {
        if (other.Count != samples.Length || (!ReferenceEquals(other[0].Family, family) && other[0].Family != family))
        {
            return false;
        }

        for (var i = 0; i < samples.Length; i++)
        {
            var (a, b) = (samples[i], other[i]);
            if (!a.Value.Equals(b.Value) || (!ReferenceEquals(a.LabelValues, b.LabelValues) && !a.LabelValues.AsSpan().SequenceEqual(b.LabelValues)))
            {
                return false;
            }
        }

        return true;
    }
}
