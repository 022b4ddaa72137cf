using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Polling;

namespace Libvirt.Capabilities.Exporter.Collection;

/// <summary>Turns one target snapshot into gauge samples: its capabilities, and the health of the poll.</summary>
public static class SnapshotSamples
{
    /// <summary>
    /// Host and domain-capabilities series of the enabled collectors, plus the fingerprints of all of them.
    /// Drift compares these.
    /// </summary>
    public static List<Sample> Capabilities(TargetSnapshot snapshot, CollectorSwitches switches)
    {
        var samples = new List<Sample>();
        if (snapshot.Host is { } host)
        {
            CapabilitySamples.AddHost(samples, snapshot.Target, host);
        }

        foreach (var caps in snapshot.DomainCaps)
        {
            CapabilitySamples.AddDomainCaps(samples, snapshot.Target, caps);
        }

        CapabilitySamples.AddDefaultMachines(samples, snapshot.Target, snapshot.DefaultMachines);

        FingerprintCollector.Add(samples, snapshot.Target);
        return switches.Apply(samples);
    }

    /// <summary>The health series of a target that has not finished its first poll.</summary>
    public static List<Sample> NotYetPolled(string target)
    {
        var samples = new List<Sample>();
        TargetHealthCollector.CollectNotYetPolled(new SampleSink(samples, target));
        return samples;
    }

    public static List<Sample> Health(TargetSnapshot snapshot, DateTimeOffset? lastSuccess, DateTimeOffset? lastChange)
    {
        var samples = new List<Sample>();
        TargetHealthCollector.Collect(snapshot, lastSuccess, lastChange, new SampleSink(samples, snapshot.Target));
        return samples;
    }
}
