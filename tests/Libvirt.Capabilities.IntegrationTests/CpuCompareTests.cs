using System.Text.Json;
using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Cli;
using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Parsing;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// virConnectCompareHypervisorCPU and virConnectBaselineHypervisorCPU through the binding and the <c>compat</c>
/// command, against the real libvirtd, each answer checked against virsh on the same files and daemon.
/// </summary>
public sealed class CpuCompareTests
{
    [Fact]
    public void The_same_host_over_unix_socket_and_tcp_is_identical_both_ways()
    {
        var viaSocket = LocalHostModel(Libvirtd.System);
        var viaTcp = LocalHostModel(Libvirtd.Tcp);
        Assert.Equal(viaSocket.Xml, viaTcp.Xml);

        foreach (var (source, destination) in new[] { (viaSocket, Libvirtd.Tcp), (viaTcp, Libvirtd.System) })
        {
            using var connection = Libvirtd.Open(destination);
            var verdict = CpuComparer.Compare(connection, "x86_64", "kvm", source.Xml);

            Assert.Equal(CompatOutcome.Compatible, verdict.Outcome);
            Assert.Equal("identical", verdict.Result);
            Assert.Equal(new Virsh.Verdict("compatible", "identical", null), Virsh.Compare(destination, source.File, "x86_64", "kvm"));
        }
    }

    public static TheoryData<string, bool> CorpusFilesWithVirtType()
    {
        var data = new TheoryData<string, bool>();
        var files = TestEnvironment.CorpusFiles("domaincaps").ToList();
        foreach (var file in files.Count > 0 ? files : [CorpusCases.Missing])
        {
            data.Add(file, false);
            data.Add(file, true);
        }

        return data;
    }

    /// <summary>
    /// Every corpus document (other vendors, older and newer QEMU with newer feature names) against this host,
    /// with the document's own domain type and with qemu (TCG, whose host-model CPU is an AMD EPYC here), through
    /// <c>compat --format json</c>: outcome, result and libvirt's message equal virsh's, and the blockers are the
    /// feature list of that message.
    /// </summary>
    [Theory]
    [MemberData(nameof(CorpusFilesWithVirtType))]
    public void Every_corpus_host_model_gets_the_answer_virsh_gives(string name, bool asTcg)
    {
        var file = Path.Combine(TestEnvironment.RequireCorpus(), "domaincaps", name);
        using var probe = Libvirtd.Open(Libvirtd.System);
        var caps = DomainCapabilitiesParser.Parse(File.ReadAllText(file));
        var virtType = asTcg ? "qemu" : caps.DomainType;
        string[] args = ["--uri", Libvirtd.System, "--format", "json", .. asTcg ? new[] { "--virttype", "qemu" } : [], file];
        var (exitCode, stdout, stderr) = RunCompat(args);
        var oracle = Virsh.Compare(Libvirtd.System, file, caps.Arch, virtType);

        if (caps.Cpu.HostModel is null || !caps.Cpu.Modes.Any(m => m.Name == "host-model" && m.Supported))
        {
            // Nothing to compare: compat refuses the file, and virsh finds no CPU in it either.
            Assert.Equal(CompatCommand.Error, exitCode);
            Assert.Contains("no supported host-model CPU", stderr, StringComparison.Ordinal);
            Assert.Equal("unknown", oracle.Outcome);
            Assert.Contains("does not contain any <cpu> element", oracle.Message, StringComparison.Ordinal);
            return;
        }

        Assert.True(exitCode is CompatCommand.AllCompatible or CompatCommand.NotAllCompatible, stderr);
        var result = Assert.Single(JsonSerializer.Deserialize<FileVerdict[]>(stdout, JsonOptions)!);
        Assert.Equal(file, result.File);
        if (!Virsh.Offers(Libvirtd.System, caps.Arch, virtType))
        {
            // A CPU of an arch this hypervisor cannot run with that virt type (s390x, ppc64 here): incompatible with
            // the reason, where libvirt would only fail to find an emulator and virsh cannot judge either.
            Assert.Equal(new Virsh.Verdict("incompatible", "incompatible", $"the destination offers no {virtType} guests of arch {caps.Arch} (its host is x86_64): a guest cannot move to a host of another architecture"), new Virsh.Verdict(result.Outcome, result.Result, result.Message));
            Assert.Empty(result.Blockers);
            Assert.Equal("unknown", oracle.Outcome);
            Assert.Equal(CompatCommand.NotAllCompatible, exitCode);
            return;
        }

        Assert.Equal(oracle, new Virsh.Verdict(result.Outcome, result.Result, result.Message));
        Assert.Equal(result.Outcome == "compatible" ? CompatCommand.AllCompatible : CompatCommand.NotAllCompatible, exitCode);
        if (result.Outcome == "incompatible" && oracle.Message!.Contains("features: ", StringComparison.Ordinal))
        {
            Assert.EndsWith("features: " + string.Join(", ", result.Blockers), oracle.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(result.Blockers);
        }
    }

    [Fact]
    public void The_corpus_covers_every_outcome_against_this_host()
    {
        var dir = Path.Combine(TestEnvironment.RequireCorpus(), "domaincaps");
        using var probe = Libvirtd.Open(Libvirtd.System);
        var verdicts = new[] { "qemu_7.2.0-tcg.x86_64.xml", "qemu_4.2.0-tcg.x86_64.xml", "qemu_6.0.0.x86_64.xml", "qemu_8.2.0.x86_64.xml" }
            .Select(f => CpuComparer.Compare(probe, "x86_64", "qemu", HostModelCpuXml.Render(DomainCapabilitiesParser.Parse(File.ReadAllText(Path.Combine(dir, f))).Cpu.HostModel!)))
            .ToList();

        Assert.Equal("identical", verdicts[0].Result);
        Assert.Equal("superset", verdicts[1].Result);
        Assert.Equal(CompatOutcome.Incompatible, verdicts[2].Outcome);
        Assert.Contains("x2apic", verdicts[2].Blockers);
        Assert.Equal(CompatOutcome.Unknown, verdicts[3].Outcome);
        Assert.Equal("internal error: Unknown CPU feature lfence-always-serializing", verdicts[3].Message);
    }

    [Fact]
    public void A_read_only_connection_cannot_judge_and_is_never_incompatible()
    {
        var local = LocalHostModel(Libvirtd.System);
        using var connection = Libvirtd.Open(Libvirtd.System, readOnly: true);
        var verdict = CpuComparer.Compare(connection, "x86_64", "kvm", local.Xml);

        Assert.Equal(CompatOutcome.Unknown, verdict.Outcome);
        Assert.Null(verdict.Result);
        var oracle = Virsh.Compare(Libvirtd.System, local.File, "x86_64", "kvm", readOnly: true);
        Assert.Equal(oracle.Message, verdict.Message);
        Assert.Contains("read only", verdict.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[]> BaselineSets() => new()
    {
        { "qemu", ["qemu_4.2.0-tcg.x86_64.xml", "qemu_5.0.0-tcg.x86_64.xml", "qemu_6.1.0-tcg.x86_64.xml", "qemu_7.2.0-tcg.x86_64.xml"] },
        { "qemu", ["qemu_7.1.0-tcg.x86_64.xml", "qemu_7.2.0-tcg.x86_64.xml"] },
        { "kvm", ["(local)"] },
        { "kvm", ["(local)", "qemu_6.0.0.x86_64.xml"] },
        { "qemu", ["qemu_7.2.0-tcg.x86_64.xml", "qemu_9.1.0-tcg.x86_64.xml"] },
    };

    /// <summary>
    /// <c>compat --baseline</c> over corpus and local host-model CPUs equals virsh hypervisor-cpu-baseline
    /// --features --migratable on the same files (model, vendor, every feature and policy, or the same refusal),
    /// and the baseline then runs on this host, as virsh confirms.
    /// </summary>
    [Theory]
    [MemberData(nameof(BaselineSets))]
    public void Baselines_are_what_virsh_computes_and_run_on_this_host(string virtType, string[] names)
    {
        var dir = Path.Combine(TestEnvironment.RequireCorpus(), "domaincaps");
        var files = names.Select(n => n == "(local)" ? LocalHostModel(Libvirtd.System).File : Path.Combine(dir, n)).ToArray();
        var combined = Path.Combine(Directory.CreateTempSubdirectory("lce-baseline-").FullName, "inputs.xml");
        File.WriteAllText(combined, string.Concat(files.Select(File.ReadAllText)));

        var (exitCode, stdout, stderr) = RunCompat(["--uri", Libvirtd.System, "--baseline", "--format", "json", "--virttype", virtType, .. files]);
        var oracle = Virsh.ComputeBaseline(Libvirtd.System, combined, "x86_64", virtType);

        if (oracle.Message is not null)
        {
            Assert.Equal(CompatCommand.NotAllCompatible, exitCode);
            Assert.Equal($"no baseline: {oracle.Message}", stderr.Trim());
            return;
        }

        Assert.True(exitCode == CompatCommand.AllCompatible, stderr);
        var baseline = JsonSerializer.Deserialize<BaselineOutput>(stdout, JsonOptions)!;
        Assert.Equal(oracle.Model, baseline.Model);
        Assert.Equal(oracle.Vendor, baseline.Vendor);
        Assert.Equal(oracle.Features.OrderBy(f => f.Key), baseline.Features.ToDictionary(f => f.Name, f => f.Policy).OrderBy(f => f.Key));
        Assert.NotEmpty(baseline.Features);

        var baselineFile = Path.Combine(Path.GetDirectoryName(combined)!, "baseline.xml");
        File.WriteAllText(baselineFile, baseline.Xml);
        using var connection = Libvirtd.Open(Libvirtd.System);
        var verdict = CpuComparer.Compare(connection, "x86_64", virtType, baseline.Xml);
        Assert.Equal(Virsh.Compare(Libvirtd.System, baselineFile, "x86_64", virtType), new Virsh.Verdict(verdict.OutcomeName, verdict.Result, verdict.Message));
    }

    /// <summary>The host-model CPU of this host (x86_64, kvm) as the exporter renders it, and the domcaps file virsh reads.</summary>
    internal static (string Xml, string File) LocalHostModel(string uri)
    {
        using var connection = Libvirtd.Open(uri);
        var document = connection.GetDomainCapabilities(null, "x86_64", null, "kvm");
        var file = Path.Combine(Directory.CreateTempSubdirectory("lce-local-").FullName, "domcaps-local-kvm.xml");
        File.WriteAllText(file, document);
        return (HostModelCpuXml.Render(DomainCapabilitiesParser.Parse(document).Cpu.HostModel!), file);
    }

    internal static (int ExitCode, string Stdout, string Stderr) RunCompat(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = CompatCommand.Invoke(new LibvirtConnector(), args, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
