using System.Diagnostics.Metrics;
using Libvirt.Capabilities.Exporter.Collection.DomainCaps;
using Libvirt.Capabilities.Exporter.Metrics;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>The OpenTelemetry mirror observes exactly the samples staged last, per target.</summary>
public sealed class CapabilityMeterTests
{
    [Fact]
    public void Observable_gauges_follow_the_staged_samples()
    {
        using var meter = new CapabilityMeter();
        var publisher = new SnapshotPublisher();
        publisher.Staged += meter.Update;
        var labels = new[] { "t1", "/usr/bin/qemu-system-x86_64", "x86_64", "pc-q35-7.2", "kvm", "backup" };

        publisher.Stage("t1", [new Sample(FeatureCollector.Supported, labels, 1)]);
        var first = Collect();
        publisher.Stage("t1", []);
        var second = Collect();

        var measurement = Assert.Single(first);
        Assert.Equal(("libvirt_domcaps_feature_supported", 1.0), (measurement.Name, measurement.Value));
        Assert.Contains(new KeyValuePair<string, object?>("feature", "backup"), measurement.Tags);
        Assert.Contains(new KeyValuePair<string, object?>("virt_type", "kvm"), measurement.Tags);
        Assert.Empty(second);
    }

    private static List<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> Collect()
    {
        var measurements = new List<(string, double, KeyValuePair<string, object?>[])>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CapabilityMeter.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measurements.Add((instrument.Name, value, tags.ToArray())));
        listener.Start();
        listener.RecordObservableInstruments();
        return measurements;
    }
}
