using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// A group fan-out: the two real targets of this host (unix socket and TCP) and many hosts recorded in the corpus
/// (AMD and Intel, QEMU 4.2 to 9.1, kvm and TCG), in two groups. Sources may be recorded documents, but every
/// compare and baseline answer comes from the real libvirtd, and each one is checked against virsh on the same
/// files and daemon.
/// </summary>
public sealed class FleetIntegrationTests
{
    private static readonly string[] AmdTcg =
        ["qemu_4.2.0-tcg.x86_64.xml", "qemu_5.0.0-tcg.x86_64.xml", "qemu_6.1.0-tcg.x86_64.xml", "qemu_7.1.0-tcg.x86_64.xml", "qemu_7.2.0-tcg.x86_64.xml"];

    private static readonly string[] Mixed =
        ["qemu_4.2.0-q35.x86_64.xml", "qemu_5.1.0-q35.x86_64.xml", "qemu_6.0.0.x86_64.xml", "qemu_7.0.0-q35.x86_64.xml", "qemu_8.2.0.x86_64.xml",
         "qemu_9.1.0-q35.x86_64.xml", "qemu_8.0.0-tcg.x86_64.xml", "qemu_9.1.0-tcg.x86_64.xml"];

    [Fact]
    public async Task Every_pair_and_baseline_of_a_fan_out_is_what_virsh_says()
    {
        TestEnvironment.RequireCorpus();
        using var probe = Libvirtd.Open(Libvirtd.System);
        var targets = new List<TargetOptions>
        {
            Target("local-unix", Libvirtd.System, "mixed"),
            Target("local-tcp", Libvirtd.Tcp, "mixed"),
        };
        targets.AddRange(AmdTcg.Select(f => Target(f, CorpusBackedConnector.Scheme + f, "amd-tcg")));
        targets.AddRange(Mixed.Select(f => Target(f, CorpusBackedConnector.Scheme + f, "mixed")));
        var settings = new ExporterSettings(new WebOptions(), new PollOptions(), new LibvirtOptions { Targets = targets }, new StateOptions { Directory = "" });
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var publisher = new SnapshotPublisher(registry);
        registry.AddBeforeCollectCallback(publisher.ApplyStaged);
        var connector = new CorpusBackedConnector();
        var fleet = new FleetService(settings, connector, publisher, new TargetStatusBoard(), TimeProvider.System, NullLogger<FleetService>.Instance);

        // The source documents: what each target's poll collected (x86_64 only, to keep the real polls short).
        var localFile = CpuCompareTests.LocalHostModel(Libvirtd.System).File;
        var collector = new TargetCollector(new HealthMetrics(Prometheus.Metrics.NewCustomRegistry()), TimeProvider.System);
        var selection = new MachineSelection { IncludeArch = ["x86_64"] };
        foreach (var target in targets)
        {
            using var connection = connector.Open(target.ConnectionSettings());
            fleet.Accepted(collector.Collect(target.EffectiveName, connection, selection, abandoned: TestContext.Current.CancellationToken));
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        await fleet.RecomputeAsync(TestContext.Current.CancellationToken);
        var report = fleet.Report;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"fleet round: {targets.Count} targets, {report.Groups.Sum(g => g.Classes.Count)} classes, " +
            $"{report.Groups.Sum(g => g.Pairs.Count(p => p.AnsweredBy is not null))} compare calls, {report.Groups.Count} baselines in {started.ElapsedMilliseconds} ms");
        string FileOf(ClassReport c) => c.Targets[0].StartsWith("local-", StringComparison.Ordinal) ? localFile : Path.Combine(TestEnvironment.CorpusDirectory, "domaincaps", c.Targets[0]);

        // A destination is asked for the virt type its own documents were collected for (kvm where offered).
        string VirtTypeOf(ClassReport c) => System.Xml.Linq.XElement.Load(FileOf(c)).Element("domain")!.Value;

        // unix socket and TCP reach the same host: one class, compatible both ways.
        var mixed = report.Groups.Single(g => g.Group == "mixed");
        var local = mixed.Classes.Single(c => c.Targets.Contains("local-unix"));
        Assert.Equal(["local-tcp", "local-unix"], local.Targets);
        Assert.Equal(CompatOutcome.Compatible, mixed.Pairs.Single(p => p.Source == local.Id && p.Destination == local.Id).Verdict.Outcome);

        var outcomes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in report.Groups)
        {
            var classes = group.Classes.ToDictionary(c => c.Id);
            Assert.Equal(classes.Count * classes.Count, group.Pairs.Count);
            foreach (var pair in group.Pairs.Where(p => p.Source != p.Destination))
            {
                Assert.NotNull(pair.AnsweredBy);
                var destination = classes[pair.Destination];
                var oracle = Virsh.Compare(Libvirtd.System, FileOf(classes[pair.Source]), "x86_64", VirtTypeOf(destination));
                Assert.Equal(oracle, new Virsh.Verdict(pair.Verdict.OutcomeName, pair.Verdict.Result, pair.Verdict.Message));
                outcomes.Add(pair.Verdict.OutcomeName);
            }

            // The baseline: over the class CPUs in class order, on the member with the oldest libvirt/QEMU.
            var baseline = group.Baselines.Single();
            var computedOn = group.Classes.Single(c => c.Targets.Contains(baseline.ComputedOn));
            var inputs = Path.Combine(Directory.CreateTempSubdirectory("lce-fleet-").FullName, "inputs.xml");
            File.WriteAllText(inputs, string.Concat(group.Classes.Select(c => File.ReadAllText(FileOf(c)))));
            var expected = Virsh.ComputeBaseline(Libvirtd.System, inputs, "x86_64", VirtTypeOf(computedOn));
            Assert.Equal(expected.Message, baseline.Message);
            Assert.Equal(expected.Model, baseline.Model);
            Assert.Equal(expected.Vendor, baseline.Vendor);
            Assert.Equal(expected.Features.OrderBy(f => f.Key), baseline.Features.ToDictionary(f => f.Name, f => f.Policy).OrderBy(f => f.Key));
            foreach (var check in baseline.Targets.Where(_ => baseline.Xml is not null))
            {
                var baselineFile = Path.Combine(Path.GetDirectoryName(inputs)!, "baseline.xml");
                File.WriteAllText(baselineFile, baseline.Xml);
                var virtType = VirtTypeOf(group.Classes.Single(c => c.Targets.Contains(check.Target)));
                var oracle = Virsh.Compare(Libvirtd.System, baselineFile, "x86_64", virtType);
                Assert.Equal(oracle, new Virsh.Verdict(check.Verdict.OutcomeName, check.Verdict.Result, check.Verdict.Message));
            }
        }

        // The fan-out exercises every answer, and the oldest member computed each baseline.
        Assert.Equal(["compatible", "incompatible", "unknown"], outcomes.Order(StringComparer.Ordinal));
        Assert.Equal("qemu_4.2.0-tcg.x86_64.xml", report.Groups.Single(g => g.Group == "amd-tcg").Baselines.Single().ComputedOn);
        Assert.NotNull(report.Groups.Single(g => g.Group == "amd-tcg").Baselines.Single().Xml);
        Assert.Equal("local-tcp", mixed.Baselines.Single().ComputedOn);

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, TestContext.Current.CancellationToken);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Equal(report.Groups.Sum(g => g.Pairs.Count), RenderRunner.CountSeries(text, "libvirt_fleet_host_model_compatible"));
        Assert.Equal(targets.Count, RenderRunner.CountSeries(text, "libvirt_fleet_baseline_cpu_compatible"));
        Assert.Contains("libvirt_fleet_hosts{group=\"amd-tcg\",arch=\"x86_64\"} 5", text, StringComparison.Ordinal);
        Promtool.AssertValid(text);
    }

    private static TargetOptions Target(string name, string uri, string group) =>
        new() { Name = name, Uri = uri, Group = group, Timeout = TimeSpan.FromMinutes(2) };
}
