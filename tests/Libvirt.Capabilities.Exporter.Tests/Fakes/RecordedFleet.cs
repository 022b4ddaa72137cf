using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;

namespace Libvirt.Capabilities.Exporter.Tests.Fakes;

/// <summary>
/// Several recorded hosts behind one connector (by URI), a real <see cref="FleetService"/> and publisher, and
/// snapshots collected from the recorded hosts by the real collector. For fault injection and bookkeeping only:
/// compare and baseline answers against a real libvirtd are tested in the integration tests.
/// </summary>
public sealed class RecordedFleet : ILibvirtConnector
{
    private ExpositionRenderer? renderer;

    private readonly Dictionary<string, RecordedLibvirt> hosts = new(StringComparer.Ordinal);
    private readonly List<TargetOptions> targets = [];

    public RecordedFleet()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Publisher = new SnapshotPublisher();
        Service = new FleetService(Settings(), this, Publisher, Board, Time, NullLogger<FleetService>.Instance);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public CollectorRegistry Registry { get; }

    public SnapshotPublisher Publisher { get; }

    public FleetService Service { get; }

    /// <summary>What the pollers last said about each target: <see cref="SetUp"/> stands for their verdict.</summary>
    public TargetStatusBoard Board { get; } = new();

    /// <summary>Adds a target served by its own recorded host, and tells the fleet about the new configuration.</summary>
    public RecordedLibvirt Add(string name, string? group = null, bool readOnly = false)
    {
        var host = new RecordedLibvirt();
        hosts["recorded://" + name] = host;
        targets.Add(new TargetOptions { Name = name, Uri = "recorded://" + name, Group = group, ReadOnly = readOnly, Timeout = TimeSpan.FromSeconds(5) });
        Service.Reconfigured(Settings());
        return host;
    }

    public void Remove(string name)
    {
        targets.RemoveAll(t => t.Name == name);
        Service.Reconfigured(Settings());
    }

    /// <summary>Collects the target once from its recorded host, as a poller would, and hands the snapshot over.</summary>
    public void Poll(string name)
    {
        var target = targets.Single(t => t.Name == name);
        using var connection = Open(target.ConnectionSettings());
        var snapshot = new TargetCollector(new HealthMetrics(), Time).Collect(name, connection, new MachineSelection());
        Service.Accepted(snapshot);
    }

    /// <summary>Records a poll of the target that did (or did not) reach its host, as its poller would.</summary>
    public void SetUp(string name, bool up) =>
        Board.Set(new TargetStatus(name, "recorded://" + name, false, 1, Time.GetUtcNow(), null, null, up, !up, [], [], null));

    public Task RoundAsync() => Service.RecomputeAsync(TestContext.Current.CancellationToken);

    public ILibvirtConnection Open(ConnectionSettings settings) => hosts[settings.Uri].Open(settings);

    /// <summary>What a scrape would get: the exposition as the exporter renders it.</summary>
    public string Scrape()
    {
        renderer ??= new ExpositionRenderer(Registry, Publisher, null, Microsoft.Extensions.Logging.Abstractions.NullLogger<ExpositionRenderer>.Instance);
        renderer.RenderAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        return System.Text.Encoding.UTF8.GetString(renderer.Current.Text.ToArray());
    }

    private ExporterSettings Settings() =>
        new(new WebOptions(), new PollOptions(), new LibvirtOptions { Targets = [.. targets] }, new StateOptions { Directory = "" });
}
