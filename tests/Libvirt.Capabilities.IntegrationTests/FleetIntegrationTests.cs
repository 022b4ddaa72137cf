using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// A group fan-out: the two real targets of this host (unix socket and TCP) and many hosts recorded in the corpus
/// (AMD and Intel, QEMU 4.2 to 9.1, kvm and TCG), in two groups; a group of hosts of three arches (this x86_64
/// host, an s390x and a ppc64 host of the corpus); a group of two libvirt generations (this libvirt 9.0 and a
/// libvirt 12 document that names canonical models). Sources may be recorded documents, but every compare and
/// baseline answer comes from the real libvirtd, and each one is checked against virsh on the same files and daemon.
/// </summary>
public sealed class FleetIntegrationTests
{
    private static readonly string[] AmdTcg =
        ["qemu_4.2.0-tcg.x86_64.xml", "qemu_5.0.0-tcg.x86_64.xml", "qemu_6.1.0-tcg.x86_64.xml", "qemu_7.1.0-tcg.x86_64.xml", "qemu_7.2.0-tcg.x86_64.xml"];

    private static readonly string[] Mixed =
        ["qemu_4.2.0-q35.x86_64.xml", "qemu_5.1.0-q35.x86_64.xml", "qemu_6.0.0.x86_64.xml", "qemu_7.0.0-q35.x86_64.xml", "qemu_8.2.0.x86_64.xml",
         "qemu_9.1.0-q35.x86_64.xml", "qemu_8.0.0-tcg.x86_64.xml", "qemu_9.1.0-tcg.x86_64.xml"];

    private static readonly string[] OtherArches = ["qemu_8.1.0.s390x.xml", "qemu_10.0.0.ppc64.xml"];

    /// <summary>The newest libvirt's test data: models with canonical names, and the versioned models listed too.</summary>
    private const string NewGeneration = "qemu_11.0.0-q35.x86_64+sgx.xml";

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
        targets.Add(Target("local-arches", Libvirtd.System, "arches"));
        targets.AddRange(OtherArches.Select(f => Target(f, CorpusBackedConnector.Scheme + f, "arches")));
        targets.Add(Target("local-generation", Libvirtd.System, "generations"));
        targets.Add(Target(NewGeneration, CorpusBackedConnector.Scheme + NewGeneration, "generations"));
        var settings = new ExporterSettings(new WebOptions(), new PollOptions(), new LibvirtOptions { Targets = targets }, new StateOptions { Directory = "" });
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var publisher = new SnapshotPublisher();
        var connector = new CorpusBackedConnector();
        var fleet = new FleetService(settings, connector, publisher, new TargetStatusBoard(), TimeProvider.System, NullLogger<FleetService>.Instance);

        // The source documents: what each target's poll collected (host arches only, to keep the real polls short).
        var localFile = CpuCompareTests.LocalHostModel(Libvirtd.System).File;
        var collector = new TargetCollector(new HealthMetrics(), TimeProvider.System);
        var selection = new MachineSelection { IncludeArch = ["x86_64", "s390x", "ppc64"] };
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
        string FileOf(ClassReport c) => FileOfTarget(c.Targets[0]);
        string FileOfTarget(string target) => target.StartsWith("local-", StringComparison.Ordinal) ? localFile : Path.Combine(TestEnvironment.CorpusDirectory, "domaincaps", target);

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
                var (source, destination) = (classes[pair.Source], classes[pair.Destination]);
                if (source.Arch != destination.Arch)
                {
                    AssertOtherArch(pair, source, destination, FileOf(source));
                    continue;
                }

                Assert.NotNull(pair.AnsweredBy);
                var oracle = Virsh.Compare(Libvirtd.System, FileOf(source), destination.Arch, VirtTypeOf(destination));
                Assert.Equal(oracle, new Virsh.Verdict(pair.Verdict.OutcomeName, pair.Verdict.Result, pair.Verdict.Message));
                outcomes.Add(pair.Verdict.OutcomeName);
            }

            // One baseline per host arch: over the class CPUs of that arch in class order, on the member with the oldest
            // libvirt/QEMU, checked on exactly the targets libvirt_fleet_hosts counts for that arch.
            Assert.Equal(group.Classes.Select(c => c.Arch).Distinct().Order(StringComparer.Ordinal), group.Baselines.Select(b => b.Arch));
            foreach (var baseline in group.Baselines)
            {
                var ofArch = group.Classes.Where(c => c.Arch == baseline.Arch).ToList();
                Assert.Equal(group.Inventory.Hosts.Single(h => h.Arch == baseline.Arch).Hosts, baseline.Targets.Count);
                Assert.Equal(ofArch.SelectMany(c => c.Targets).Order(StringComparer.Ordinal), baseline.Targets.Select(t => t.Target).Order(StringComparer.Ordinal));
                var computedOn = ofArch.Single(c => c.Targets.Contains(baseline.ComputedOn));
                var inputs = Path.Combine(Directory.CreateTempSubdirectory("lce-fleet-").FullName, "inputs.xml");
                File.WriteAllText(inputs, string.Concat(ofArch.Select(c => File.ReadAllText(FileOf(c)))));
                var expected = Virsh.ComputeBaseline(Libvirtd.System, inputs, baseline.Arch, VirtTypeOf(computedOn));
                Assert.Equal(expected.Message, baseline.Message);
                Assert.Equal(expected.Model, baseline.Model);
                Assert.Equal(expected.Vendor, baseline.Vendor);
                Assert.Equal(expected.Features.OrderBy(f => f.Key), baseline.Features.ToDictionary(f => f.Name, f => f.Policy).OrderBy(f => f.Key));
                foreach (var check in baseline.Targets.Where(_ => baseline.Xml is not null))
                {
                    var baselineFile = Path.Combine(Path.GetDirectoryName(inputs)!, "baseline.xml");
                    File.WriteAllText(baselineFile, baseline.Xml);
                    var virtType = VirtTypeOf(ofArch.Single(c => c.Targets.Contains(check.Target)));
                    var oracle = Virsh.Compare(Libvirtd.System, baselineFile, baseline.Arch, virtType);
                    Assert.Equal(oracle, new Virsh.Verdict(check.Verdict.OutcomeName, check.Verdict.Result, check.Verdict.Message));
                }
            }
        }

        // Two libvirt generations in one group: each model name counts the hosts whose document lists it usable,
        // read from the documents' XML. pentium3 (canonical pentium3-v1 in the newer document, plain in libvirt 9.0)
        // is one row for both hosts.
        var generations = report.Groups.Single(g => g.Group == "generations");
        var expectedModels = new[] { "local-generation", NewGeneration }
            .SelectMany(t => UsableModels(FileOfTarget(t)))
            .GroupBy(m => m)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expectedModels.OrderBy(m => m.Key, StringComparer.Ordinal), generations.Inventory.CpuModels.Where(m => m.UsableHosts > 0).Select(m => KeyValuePair.Create(m.Model, m.UsableHosts)));
        Assert.Equal(2, generations.Inventory.CpuModels.Single(m => m.Model == "pentium3").UsableHosts);
        Assert.Equal(1, generations.Inventory.CpuModels.Single(m => m.Model == "pentium3-v1").UsableHosts);

        // Three arches: one host each, every cross-arch pair judged without a call.
        var arches = report.Groups.Single(g => g.Group == "arches");
        Assert.Equal(["ppc64", "s390x", "x86_64"], arches.Inventory.Hosts.Select(h => h.Arch));
        Assert.All(arches.Inventory.Hosts, h => Assert.Equal(1, h.Hosts));
        Assert.Equal(6, arches.Pairs.Count(p => p.Verdict.Outcome == CompatOutcome.Incompatible && p.AnsweredBy is null));

        // The fan-out exercises every answer, and the oldest member computed each baseline.
        Assert.Equal(["compatible", "incompatible", "unknown"], outcomes.Order(StringComparer.Ordinal));
        Assert.Equal("qemu_4.2.0-tcg.x86_64.xml", report.Groups.Single(g => g.Group == "amd-tcg").Baselines.Single().ComputedOn);
        Assert.NotNull(report.Groups.Single(g => g.Group == "amd-tcg").Baselines.Single().Xml);
        Assert.Equal("local-tcp", mixed.Baselines.Single().ComputedOn);

        var renderer = new ExpositionRenderer(registry, publisher, null, NullLogger<ExpositionRenderer>.Instance);
        await renderer.RenderAsync(TestContext.Current.CancellationToken);
        var text = System.Text.Encoding.UTF8.GetString(renderer.Current.Text.ToArray());
        Assert.Equal(report.Groups.Sum(g => g.Pairs.Count), RenderRunner.CountSeries(text, "libvirt_fleet_host_model_compatible"));
        Assert.Equal(targets.Count, RenderRunner.CountSeries(text, "libvirt_fleet_baseline_cpu_compatible"));
        Assert.Contains("libvirt_fleet_hosts{group=\"amd-tcg\",arch=\"x86_64\"} 5", text, StringComparison.Ordinal);
        Promtool.AssertValid(text);
    }

    /// <summary>
    /// A pair of classes of different host arches: incompatible with the reason and no blockers, without asking
    /// libvirt. The oracle for the live destination: virsh capabilities offers no guest of the source's arch with its
    /// virt type, and virsh hypervisor-cpu-compare cannot call the source CPU compatible.
    /// </summary>
    private static void AssertOtherArch(PairReport pair, ClassReport source, ClassReport destination, string sourceFile)
    {
        Assert.Equal(CompatOutcome.Incompatible, pair.Verdict.Outcome);
        Assert.Null(pair.AnsweredBy);
        Assert.Empty(pair.Verdict.Blockers);
        Assert.Equal($"the destination offers no {source.VirtType} guests of arch {source.Arch} (its host is {destination.Arch}): a guest cannot move to a host of another architecture", pair.Verdict.Message);
        if (destination.Targets.Any(t => t.StartsWith("local-", StringComparison.Ordinal)))
        {
            Assert.False(Virsh.Offers(Libvirtd.System, source.Arch, source.VirtType));
            Assert.NotEqual("compatible", Virsh.Compare(Libvirtd.System, sourceFile, source.Arch, source.VirtType).Outcome);
        }
    }

    /// <summary>The names of the custom-mode models a domain-capabilities file lists as usable, read from its XML.</summary>
    private static IEnumerable<string> UsableModels(string file) =>
        System.Xml.Linq.XElement.Load(file).Element("cpu")!.Elements("mode").Single(m => (string?)m.Attribute("name") == "custom").Elements("model")
            .Where(m => (string?)m.Attribute("usable") == "yes")
            .Select(m => m.Value.Trim());

    private static TargetOptions Target(string name, string uri, string group) =>
        new() { Name = name, Uri = uri, Group = group, Timeout = TimeSpan.FromMinutes(2) };
}
