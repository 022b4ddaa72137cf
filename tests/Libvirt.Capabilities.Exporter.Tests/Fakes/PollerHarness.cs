using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;

namespace Libvirt.Capabilities.Exporter.Tests.Fakes;

/// <summary>Real pollers, publisher and registry wired to a <see cref="RecordedLibvirt"/> and a fake clock.</summary>
public sealed class PollerHarness : IDisposable
{
    private readonly List<TargetPoller> pollers = [];

    /// <param name="changeLogCapacity">How many changes /api/changes keeps; a replay of a large upgrade needs them all.</param>
    public PollerHarness(string? stateDirectory = null, int changeLogCapacity = 1000)
    {
        Changes = new ChangeLog(changeLogCapacity);
        StateDirectory = stateDirectory ?? Directory.CreateTempSubdirectory("lce-state-").FullName;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Publisher = new SnapshotPublisher(Registry);
        Health = new HealthMetrics(Registry);
        Registry.AddBeforeCollectCallback(Publisher.ApplyStaged);
    }

    public RecordedLibvirt Libvirt { get; } = new();
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    public CollectorRegistry Registry { get; }
    public SnapshotPublisher Publisher { get; }
    public HealthMetrics Health { get; }
    public TargetStatusBoard Board { get; } = new();
    public ChangeLog Changes { get; }
    public string StateDirectory { get; }

    public TargetPoller Poller(string name = "t1", bool readOnly = false, TimeSpan? timeout = null, RecordedLibvirt? libvirt = null)
    {
        var target = new TargetOptions { Name = name, Uri = "qemu+tcp://recorded/system", ReadOnly = readOnly, Timeout = timeout };
        var settings = new ExporterSettings(new WebOptions(), new PollOptions(), new LibvirtOptions { Targets = [target] }, new StateOptions { Directory = StateDirectory });
        var poller = new TargetPoller(
            target, new PollingContext(settings, libvirt ?? Libvirt, Publisher, Health, Board, Changes, new StateStore(StateDirectory), Time, NullLogger.Instance));
        pollers.Add(poller);
        return poller;
    }

    public string Scrape()
    {
        using var stream = new MemoryStream();
        Registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public void Dispose()
    {
        foreach (var poller in pollers)
        {
            poller.Dispose();
        }
    }
}
