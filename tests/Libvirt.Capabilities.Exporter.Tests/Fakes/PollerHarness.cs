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
    private ExpositionRenderer? renderer;

    private readonly List<TargetPoller> pollers = [];

    /// <param name="changeLogCapacity">How many changes /api/changes keeps; a replay of a large upgrade needs them all.</param>
    public PollerHarness(string? stateDirectory = null, int changeLogCapacity = 1000)
    {
        Changes = new ChangeLog(changeLogCapacity);
        StateDirectory = stateDirectory ?? Directory.CreateTempSubdirectory("lce-state-").FullName;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Publisher = new SnapshotPublisher();
        Health = new HealthMetrics();
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

    /// <summary>What a scrape would get: the exposition as the exporter renders it.</summary>
    public string Scrape()
    {
        renderer ??= new ExpositionRenderer(Registry, Publisher, Health, Microsoft.Extensions.Logging.Abstractions.NullLogger<ExpositionRenderer>.Instance);
        renderer.RenderAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        return System.Text.Encoding.UTF8.GetString(renderer.Current.Text.ToArray());
    }

    public void Dispose()
    {
        foreach (var poller in pollers)
        {
            poller.Dispose();
        }
    }
}
