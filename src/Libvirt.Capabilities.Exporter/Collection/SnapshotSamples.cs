using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Polling;

namespace Libvirt.Capabilities.Exporter.Collection;

/// <summary>Turns one target snapshot into the full set of gauge samples to publish for that target.</summary>
public static class SnapshotSamples
{
    public static List<Sample> Build(TargetSnapshot snapshot, DateTimeOffset? lastSuccess)
    {
        var samples = new List<Sample>();
        TargetHealthCollector.Collect(snapshot, lastSuccess, new SampleSink(samples, snapshot.Target));
        if (snapshot.Host is { } host)
        {
            CapabilitySamples.AddHost(samples, snapshot.Target, host);
        }

        foreach (var caps in snapshot.DomainCaps)
        {
            CapabilitySamples.AddDomainCaps(samples, snapshot.Target, caps);
        }

        return samples;
    }
}
