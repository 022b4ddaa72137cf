using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// The fleet's bookkeeping with recorded hosts: CPU classes, which calls are made and when, what unknown means,
/// and what is published. Whether libvirt's answers are right is checked against a real libvirtd in the
/// integration tests (FleetIntegrationTests, CpuCompareTests).
/// </summary>
public sealed class FleetServiceTests
{
    private const string Incompatible = "the CPU is incompatible with host CPU: Host CPU does not provide required features: avx512f, pku";

    private readonly RecordedFleet fleet = new();

    [Fact]
    public async Task Targets_with_the_same_host_model_and_versions_share_a_class_and_need_no_call()
    {
        var a = fleet.Add("a");
        var b = fleet.Add("b");
        fleet.Poll("a");
        fleet.Poll("b");
        await fleet.RoundAsync();

        var group = fleet.Service.Report.Groups.Single();
        var cpuClass = Assert.Single(group.Classes);
        Assert.Equal(["a", "b"], cpuClass.Targets);
        Assert.StartsWith("kvm64@", cpuClass.Id, StringComparison.Ordinal);
        Assert.DoesNotContain(a.CpuCalls.Concat(b.CpuCalls), c => c.Api == "virConnectCompareHypervisorCPU");
        var text = fleet.Scrape();
        Assert.Contains($"libvirt_fleet_host_model_compatible{{group=\"default\",source=\"{cpuClass.Id}\",destination=\"{cpuClass.Id}\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains($"libvirt_fleet_cpu_class_info{{group=\"default\",class=\"{cpuClass.Id}\",target=\"b\"}} 1", text, StringComparison.Ordinal);
        Promtool.AssertValid(text);
    }

    [Fact]
    public void A_poll_that_changes_nothing_the_fleet_reads_asks_for_no_round()
    {
        var a = fleet.Add("a");
        fleet.Poll("a");
        var asked = fleet.Service.RoundsAsked;

        fleet.Poll("a"); // Byte-identical answers, same versions.
        Assert.Equal(asked, fleet.Service.RoundsAsked);

        a.LibVersion = "10.0.0"; // Not in the content hash, but part of the CPU class.
        fleet.Poll("a");
        Assert.Equal(asked + 1, fleet.Service.RoundsAsked);

        var before = a.DomainCapsXml;
        a.DomainCapsXml = (emulator, arch, machine, virtType) => before(emulator, arch, machine, virtType).Replace("Skylake-Client", "Skylake-Renamed", StringComparison.Ordinal);
        fleet.Poll("a");
        Assert.Equal(asked + 2, fleet.Service.RoundsAsked);
        fleet.Poll("a");
        Assert.Equal(asked + 2, fleet.Service.RoundsAsked);
    }

    [Fact]
    public async Task Each_ordered_pair_of_classes_is_asked_once_on_the_destination_and_again_only_when_a_class_changes()
    {
        var old = fleet.Add("old");
        var upgraded = fleet.Add("new");
        upgraded.LibVersion = "10.0.0";
        old.CompareCpu = (_, _, _, _, _) => throw new LibvirtException("virConnectCompareHypervisorCPU", 91, 12, Incompatible);
        upgraded.CompareCpu = (_, _, _, _, _) => CpuComparison.Identical;
        fleet.Poll("old");
        fleet.Poll("new");
        await fleet.RoundAsync();
        await fleet.RoundAsync();

        var group = fleet.Service.Report.Groups.Single();
        var oldClass = group.Classes.Single(c => c.Targets.Contains("old")).Id;
        var newClass = group.Classes.Single(c => c.Targets.Contains("new")).Id;
        var toOld = group.Pairs.Single(p => p.Source == newClass && p.Destination == oldClass);
        Assert.Equal(CompatOutcome.Incompatible, toOld.Verdict.Outcome);
        Assert.Equal(["avx512f", "pku"], toOld.Verdict.Blockers);
        Assert.Equal("old", toOld.AnsweredBy);
        Assert.Equal(CompatOutcome.Compatible, group.Pairs.Single(p => p.Source == oldClass && p.Destination == newClass).Verdict.Outcome);
        var pairCalls = old.CpuCalls.Count(c => c.Api == "virConnectCompareHypervisorCPU");

        var text = fleet.Scrape();
        Assert.Contains($"libvirt_fleet_host_model_compatible{{group=\"default\",source=\"{newClass}\",destination=\"{oldClass}\"}} 0", text, StringComparison.Ordinal);
        Assert.Contains($"libvirt_fleet_host_model_blocker{{group=\"default\",source=\"{newClass}\",destination=\"{oldClass}\",feature=\"pku\"}} 1", text, StringComparison.Ordinal);

        // Another poll with the same class asks nothing; a new libvirt on "old" is a new class and asks again.
        fleet.Poll("old");
        await fleet.RoundAsync();
        Assert.Equal(pairCalls, old.CpuCalls.Count(c => c.Api == "virConnectCompareHypervisorCPU"));
        old.LibVersion = "10.0.0";
        old.CompareCpu = (_, _, _, _, _) => CpuComparison.Superset;
        fleet.Poll("old");
        await fleet.RoundAsync();
        Assert.Single(fleet.Service.Report.Groups.Single().Classes);
        Assert.DoesNotContain(oldClass, fleet.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Groups_are_compared_separately_and_published_under_keys_that_cannot_clash_with_targets()
    {
        fleet.Add("a", group: "rack1");
        var b = fleet.Add("b", group: "rack2");
        b.LibVersion = "10.0.0";
        fleet.Poll("a");
        fleet.Poll("b");
        await fleet.RoundAsync();

        Assert.Equal(["rack1", "rack2"], fleet.Service.Report.Groups.Select(g => g.Group));
        Assert.All(fleet.Service.Report.Groups, g => Assert.Single(g.Pairs));
        Assert.Contains('\0', FleetService.PublisherKey("rack1"));

        // A group that empties loses every series at once, before any round: a reload answers with them gone.
        fleet.Remove("b");
        Assert.DoesNotContain("group=\"rack2\"", fleet.Scrape(), StringComparison.Ordinal);
        Assert.Contains("group=\"rack1\"", fleet.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_only_target_is_unable_to_judge_never_incompatible()
    {
        var writable = fleet.Add("rw");
        writable.BaselineCpu = (_, _, _, _, cpus) => cpus[0];
        writable.CompareCpu = (_, _, _, _, _) => CpuComparison.Identical;
        fleet.Add("ro", readOnly: true);
        fleet.Poll("rw");
        fleet.Poll("ro");
        await fleet.RoundAsync();

        var group = fleet.Service.Report.Groups.Single();
        Assert.Contains("read-only", Assert.Single(group.Unclassified, u => u.Target == "ro").Reason, StringComparison.Ordinal);
        var text = fleet.Scrape();
        Assert.Contains("libvirt_fleet_baseline_cpu_compatible{group=\"default\",arch=\"x86_64\",target=\"ro\"} -1", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_fleet_baseline_cpu_compatible{group=\"default\",arch=\"x86_64\",target=\"rw\"} 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(RenderRunner.SeriesLines(text), l => l.Contains("_compatible{", StringComparison.Ordinal) && l.EndsWith(" 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_destination_is_unknown_and_asked_again_after_its_poll_interval()
    {
        var up = fleet.Add("up");
        var down = fleet.Add("down");
        down.LibVersion = "10.0.0";
        up.CompareCpu = (_, _, _, _, _) => CpuComparison.Identical;
        fleet.Poll("up");
        fleet.Poll("down");
        down.OpenError = RecordedLibvirt.Unreachable();
        await fleet.RoundAsync();

        var group = fleet.Service.Report.Groups.Single();
        var downClass = group.Classes.Single(c => c.Targets.Contains("down")).Id;
        var toDown = group.Pairs.Single(p => p.Destination == downClass && p.Source != downClass);
        Assert.Equal(CompatOutcome.Unknown, toDown.Verdict.Outcome);
        Assert.Contains("cannot connect", toDown.Verdict.Message, StringComparison.Ordinal);
        Assert.Equal(CompatOutcome.Compatible, group.Pairs.Single(p => p.Source == downClass && p.Destination != downClass).Verdict.Outcome);

        // Not retried on every round, but once the target's interval has passed.
        down.OpenError = null;
        down.CompareCpu = (_, _, _, _, _) => CpuComparison.Superset;
        await fleet.RoundAsync();
        Assert.Equal(CompatOutcome.Unknown, Pair(downClass).Verdict.Outcome);
        fleet.Time.Advance(TimeSpan.FromMinutes(1));
        await fleet.RoundAsync();
        Assert.Equal("superset", Pair(downClass).Verdict.Result);
    }

    [Fact]
    public async Task A_class_with_no_member_up_cannot_judge_and_its_kept_answers_return_without_a_call_when_it_is_up()
    {
        var a = fleet.Add("a");
        var b = fleet.Add("b");
        b.LibVersion = "10.0.0";
        a.CompareCpu = (_, _, _, _, _) => throw new LibvirtException("virConnectCompareHypervisorCPU", 91, 12, Incompatible);
        a.BaselineCpu = (_, _, _, _, cpus) => cpus[0];
        b.CompareCpu = (_, _, _, _, _) => CpuComparison.Identical;
        fleet.Poll("a");
        fleet.Poll("b");
        fleet.SetUp("a", true);
        fleet.SetUp("b", true);
        await fleet.RoundAsync();
        var group = fleet.Service.Report.Groups.Single();
        var aClass = group.Classes.Single(c => c.Targets.Contains("a")).Id;
        var bClass = group.Classes.Single(c => c.Targets.Contains("b")).Id;
        var before = fleet.Scrape();
        Assert.Contains($"libvirt_fleet_host_model_blocker{{group=\"default\",source=\"{bClass}\",destination=\"{aClass}\",feature=\"pku\"}} 1", before, StringComparison.Ordinal);
        var opens = (a.Opens, b.Opens);

        // a's poller finds it down: as a destination it is unknown, without blockers; as a source it keeps the
        // verdict b's live libvirt gave on a's last known host-model CPU. No call goes to a meanwhile.
        fleet.SetUp("a", false);
        await fleet.RoundAsync();
        group = fleet.Service.Report.Groups.Single();
        var toA = group.Pairs.Single(p => p.Source == bClass && p.Destination == aClass);
        Assert.Equal(CompatOutcome.Unknown, toA.Verdict.Outcome);
        Assert.Empty(toA.Verdict.Blockers);
        Assert.Contains("destination down", toA.Verdict.Message, StringComparison.Ordinal);
        Assert.Equal(CompatOutcome.Unknown, group.Pairs.Single(p => p.Source == aClass && p.Destination == aClass).Verdict.Outcome);
        Assert.Equal(CompatOutcome.Compatible, group.Pairs.Single(p => p.Source == aClass && p.Destination == bClass).Verdict.Outcome);
        Assert.Equal(["a"], group.Classes.Single(c => c.Id == aClass).Down);
        var down = fleet.Scrape();
        Assert.Contains($"libvirt_fleet_host_model_compatible{{group=\"default\",source=\"{bClass}\",destination=\"{aClass}\"}} -1", down, StringComparison.Ordinal);
        Assert.Contains($"libvirt_fleet_host_model_compatible{{group=\"default\",source=\"{aClass}\",destination=\"{bClass}\"}} 1", down, StringComparison.Ordinal);
        Assert.DoesNotContain("libvirt_fleet_host_model_blocker{", down, StringComparison.Ordinal);
        Assert.Contains("libvirt_fleet_baseline_cpu_compatible{group=\"default\",arch=\"x86_64\",target=\"a\"} -1", down, StringComparison.Ordinal);
        Assert.Contains($"libvirt_fleet_cpu_class_info{{group=\"default\",class=\"{aClass}\",target=\"a\"}} 1", down, StringComparison.Ordinal);
        Assert.Equal(opens, (a.Opens, b.Opens));

        // Up again with the same class: the published series are those of before, and no call was needed.
        fleet.SetUp("a", true);
        fleet.Poll("a");
        opens = (a.Opens, b.Opens);
        await fleet.RoundAsync();
        Assert.Equal(RenderRunner.SeriesLines(before).Order(), RenderRunner.SeriesLines(fleet.Scrape()).Order());
        Assert.Equal(opens, (a.Opens, b.Opens));
    }

    [Fact]
    public async Task A_hung_destination_times_out_without_holding_up_the_others_and_gets_no_second_call_while_hung()
    {
        var hung = fleet.Add("hung");
        var fine = fleet.Add("fine");
        var third = fleet.Add("third");
        hung.LibVersion = "8.0.0";
        fine.LibVersion = "9.0.0";
        third.LibVersion = "10.0.0";
        fleet.Poll("hung");
        fleet.Poll("fine");
        fleet.Poll("third");
        using var release = new ManualResetEventSlim();
        hung.OpenHang = release;
        fine.CompareCpu = (_, _, _, _, _) => CpuComparison.Identical;
        third.CompareCpu = (_, _, _, _, _) => CpuComparison.Identical;

        var round = fleet.RoundAsync();
        while (!round.IsCompleted)
        {
            fleet.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        await round;
        var group = fleet.Service.Report.Groups.Single();
        var hungClass = group.Classes.Single(c => c.Targets.Contains("hung")).Id;
        Assert.All(group.Pairs.Where(p => p.Destination == hungClass && p.Source != hungClass), p => Assert.Equal(CompatOutcome.Unknown, p.Verdict.Outcome));
        Assert.Contains("no answer from libvirt within 5s", group.Baselines.Single().Message, StringComparison.Ordinal);
        Assert.All(group.Pairs.Where(p => p.Destination != hungClass), p => Assert.Equal(CompatOutcome.Compatible, p.Verdict.Outcome));

        // Still hung: the lane refuses a second call, so hung libvirt calls never pile up.
        var opensBefore = hung.Opens;
        fleet.Time.Advance(TimeSpan.FromMinutes(5));
        await fleet.RoundAsync();
        Assert.Equal(opensBefore, hung.Opens);
        release.Set();
    }

    [Fact]
    public async Task The_baseline_is_computed_on_the_member_with_the_oldest_libvirt_and_checked_on_every_class()
    {
        var newest = fleet.Add("newest");
        var oldest = fleet.Add("oldest");
        newest.LibVersion = "11.0.0";
        oldest.LibVersion = "8.0.0";
        const string baseline = "<cpu mode='custom' match='exact'><model fallback='forbid'>Skylake-Client</model><vendor>Intel</vendor><feature policy='require' name='pcid'/><feature policy='disable' name='hle'/></cpu>";
        IReadOnlyList<string>? inputs = null;
        oldest.BaselineCpu = (_, arch, _, virtType, cpus) => arch == "x86_64" && virtType == "kvm" ? (inputs = cpus) is not null ? baseline : "" : throw new InvalidOperationException(arch);
        newest.CompareCpu = (_, _, _, _, xml) => xml == baseline ? CpuComparison.Superset : CpuComparison.Identical;
        oldest.CompareCpu = (_, _, _, _, xml) => xml == baseline ? throw new LibvirtException("virConnectCompareHypervisorCPU", 91, 12, Incompatible) : CpuComparison.Identical;
        fleet.Poll("newest");
        fleet.Poll("oldest");
        await fleet.RoundAsync();

        Assert.Equal(2, inputs!.Count);
        Assert.DoesNotContain(newest.CpuCalls, c => c.Api == "virConnectBaselineHypervisorCPU");
        var report = fleet.Service.Report.Groups.Single().Baselines.Single();
        Assert.Equal("oldest", report.ComputedOn);
        Assert.Equal(baseline, report.Xml);
        var text = fleet.Scrape();
        Assert.Contains("libvirt_fleet_baseline_cpu_info{group=\"default\",arch=\"x86_64\",model=\"Skylake-Client\",vendor=\"Intel\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_fleet_baseline_cpu_feature{group=\"default\",arch=\"x86_64\",feature=\"hle\",policy=\"disable\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_fleet_baseline_cpu_compatible{group=\"default\",arch=\"x86_64\",target=\"newest\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_fleet_baseline_cpu_compatible{group=\"default\",arch=\"x86_64\",target=\"oldest\"} 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inventory_counts_hosts_models_and_machines_per_group()
    {
        fleet.Add("a");
        var b = fleet.Add("b");
        fleet.Poll("a");
        b.DomainCapsXml = (_, arch, _, _) => arch == "x86_64"
            ? RecordedLibvirt.Fixture("domcaps-x86_64-kvm-q35.xml").Replace("<model usable='yes' vendor='unknown'>pentium3</model>", "<model usable='no' vendor='unknown'>pentium3</model>", StringComparison.Ordinal)
            : RecordedLibvirt.Fixture("domcaps-aarch64-qemu-virt.xml");
        fleet.Poll("b");
        await fleet.RoundAsync();

        var text = fleet.Scrape();
        Assert.Contains("libvirt_fleet_hosts{group=\"default\",arch=\"x86_64\"} 2", text, StringComparison.Ordinal);
        // Hosts, models and machines are counted per host arch: the x86_64 hosts' emulated aarch64 guests are not
        // hosts that aarch64 guests migrate between.
        Assert.DoesNotContain("arch=\"aarch64\"", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_fleet_cpu_model_usable_hosts{group=\"default\",arch=\"x86_64\",model=\"pentium3\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_fleet_cpu_model_usable_hosts{group=\"default\",arch=\"x86_64\",model=\"pentium2\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_fleet_machine_type_hosts{group=\"default\",arch=\"x86_64\",machine=\"q35\"} 2", text, StringComparison.Ordinal);
        Promtool.AssertValid(text);
    }

    private PairReport Pair(string destination)
    {
        var group = fleet.Service.Report.Groups.Single();
        return group.Pairs.Single(p => p.Destination == destination && p.Source != destination);
    }
}
