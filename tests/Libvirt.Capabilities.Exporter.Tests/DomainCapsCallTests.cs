using System.Collections.Concurrent;
using System.Xml.Linq;
using System.Xml.XPath;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.TestSupport;
using Microsoft.Extensions.Logging;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// The domain-capabilities calls a poll makes, counted at the libvirt seam: an alias reuses the document of the
/// machine it resolves to; and one failing call fails only the <c>domain</c> stage, as docs/metrics.md states: the
/// rest of the poll is published, the failed group keeps its last good data (stale), and no drift is invented.
/// </summary>
public sealed class DomainCapsCallTests : IDisposable
{
    private readonly PollerHarness harness = new();
    private readonly ConcurrentQueue<(string? Arch, string? Machine, string? VirtType)> calls = new();

    public DomainCapsCallTests()
    {
        var recorded = harness.Libvirt.DomainCapsXml;
        harness.Libvirt.DomainCapsXml = (emulator, arch, machine, virtType) =>
        {
            calls.Enqueue((arch, machine, virtType));
            return recorded(emulator, arch, machine, virtType);
        };
    }

    public void Dispose() => harness.Dispose();

    [Theory]
    [InlineData(MachineSelection.DefaultPolicy)]
    [InlineData(MachineSelection.AllPolicy)]
    public async Task Each_resolved_machine_is_asked_for_once_and_aliases_reuse_it(string policy)
    {
        using var poller = PollerFactory.Create(harness, Target(), machines: new MachineSelection { Policy = policy });
        Assert.True(await poller.PollOnceAsync(TestContext.Current.CancellationToken));

        // From the XML: per hvm arch and domain type, one call for libvirt's default, then one per machine name
        // the planned machines resolve to (alias -> canonical), except the one the default already resolved to.
        var host = XDocument.Parse(harness.Libvirt.HostXml);
        var expectedCalls = 0;
        foreach (var arch in host.XPathSelectElements("/capabilities/guest[os_type='hvm']/arch"))
        {
            var name = arch.Attribute("name")!.Value;
            var defaultMachine = DefaultMachineOf(name);
            foreach (var domain in arch.Elements("domain"))
            {
                var planned = arch.Elements("machine").Where(m => policy == MachineSelection.AllPolicy || m.Attribute("canonical") is not null).ToList();
                var resolved = planned.Select(m => m.Attribute("canonical")?.Value ?? m.Value.Trim()).Distinct().Where(r => r != defaultMachine).ToList();
                expectedCalls += 1 + resolved.Count;
            }
        }

        Assert.Equal(expectedCalls, calls.Count);
        Assert.Equal(calls.Count, calls.Distinct().Count()); // Never the same question twice in one poll.
        Assert.All(calls.Where(c => c.Machine is not null), c => Assert.NotEqual(DefaultMachineOf(c.Arch!), c.Machine));

        // Policy default on this host: per x86 group the default (q35's machine) and pc; per ARM group only the default.
        if (policy == MachineSelection.DefaultPolicy)
        {
            Assert.Equal(["pc"], calls.Where(c => c.Machine is not null).Select(c => c.Machine!).Distinct());
        }

        // Every alias is still published under its own name, with the document of the machine it resolves to.
        var text = harness.Scrape();
        foreach (var alias in host.XPathSelectElements("/capabilities/guest[os_type='hvm']/arch/machine[@canonical]"))
        {
            Assert.Contains(
                RenderRunner.SeriesLines(text),
                l => l.StartsWith("libvirt_domcaps_info{", StringComparison.Ordinal)
                    && l.Contains($"arch=\"{alias.Parent!.Attribute("name")!.Value}\",machine=\"{alias.Value.Trim()}\"", StringComparison.Ordinal)
                    && l.Contains($"resolved_machine=\"{alias.Attribute("canonical")!.Value}\"", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_second_poll_asks_the_same_questions_again()
    {
        using var poller = PollerFactory.Create(harness, Target());
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        var first = calls.ToList();
        calls.Clear();
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.Equal(first, calls.ToList());
    }

    [Fact]
    public async Task One_failing_combination_fails_the_domain_stage_only_and_keeps_its_last_good_data_stale()
    {
        var logs = new CapturingLogger();
        using var poller = PollerFactory.Create(harness, Target(), logger: logs);
        Assert.True(await poller.PollOnceAsync(TestContext.Current.CancellationToken));
        var good = harness.Scrape();

        // pc on i686/kvm fails; everything else answers, and the x86 documents change meanwhile.
        var recorded = harness.Libvirt.DomainCapsXml;
        harness.Libvirt.DomainCapsXml = (emulator, arch, machine, virtType) => (arch, machine, virtType) == ("i686", "pc", "kvm")
            ? throw new LibvirtException("virConnectGetDomainCapabilities", 1, 10, "internal error: QEMU unexpectedly closed the monitor")
            : BackupUnsupported(recorded(emulator, arch, machine, virtType));

        Assert.False(await poller.PollOnceAsync(TestContext.Current.CancellationToken));
        var failed = harness.Scrape();

        Assert.Contains("libvirt_capabilities_up{target=\"t1\"} 1", failed, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_collection_success{target=\"t1\",stage=\"host\"} 1", failed, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_collection_success{target=\"t1\",stage=\"domain\"} 0", failed, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_scrape_errors_total{target=\"t1\",reason=\"libvirt_error\"} 1", failed, StringComparison.Ordinal);
        var status = harness.Board.All.Single();
        Assert.True(status.Up);
        var error = Assert.Single(status.LastErrors);
        Assert.Equal(("domain", "libvirt_error", "i686", "pc", "kvm"), (error.Stage, error.Reason, error.Request?.Arch, error.Request?.Machine, error.Request?.VirtType));
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("domain failed (libvirt_error)", StringComparison.Ordinal) && l.Text.Contains("QEMU unexpectedly closed", StringComparison.Ordinal));

        // The combinations that answered are fresh; pc on i686/kvm (no other alias resolves to its machine) keeps
        // its last good data, marked stale. The change is counted for the fresh ones only, never for the failed one.
        Assert.Equal(SeriesOf(good, "i686", "pc", "kvm"), SeriesOf(failed, "i686", "pc", "kvm"));
        Assert.Contains("libvirt_capabilities_stale_combinations{target=\"t1\"} 1", failed, StringComparison.Ordinal);
        Assert.True(status.Stale);
        Assert.Equal([("i686", "pc", "kvm")], status.Combinations.Where(c => c.Stale).Select(c => (c.Arch, c.Machine, c.VirtType)));
        var combinations = RenderRunner.CountSeries(good, "libvirt_domcaps_info");
        Assert.Equal(combinations - 1, BackupChanges().Count);
        Assert.DoesNotContain(BackupChanges(), c => (c.Labels["arch"], c.Labels["machine"], c.Labels["virt_type"]) == ("i686", "pc", "kvm"));

        // The call answers again: its own change is published and counted, once.
        harness.Libvirt.DomainCapsXml = (emulator, arch, machine, virtType) => BackupUnsupported(recorded(emulator, arch, machine, virtType));
        Assert.True(await poller.PollOnceAsync(TestContext.Current.CancellationToken));
        var recovered = harness.Scrape();
        Assert.Contains("libvirt_capabilities_collection_success{target=\"t1\",stage=\"domain\"} 1", recovered, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_stale_combinations{target=\"t1\"} 0", recovered, StringComparison.Ordinal);
        Assert.False(harness.Board.All.Single().Stale);
        Assert.Equal(combinations, BackupChanges().Count);
        Assert.Single(BackupChanges(), c => (c.Labels["arch"], c.Labels["machine"], c.Labels["virt_type"]) == ("i686", "pc", "kvm"));
    }

    [Fact]
    public async Task A_combination_failing_from_the_first_poll_leaves_the_others_published_and_is_adopted_without_drift_even_after_a_restart()
    {
        var recorded = harness.Libvirt.DomainCapsXml;
        harness.Libvirt.DomainCapsXml = (emulator, arch, machine, virtType) => (arch, virtType) == ("aarch64", "qemu")
            ? throw new LibvirtException("virConnectGetDomainCapabilities", 1, 10, "internal error: QEMU unexpectedly closed the monitor")
            : recorded(emulator, arch, machine, virtType);
        using (var first = PollerFactory.Create(harness, Target()))
        {
            Assert.False(await first.PollOnceAsync(TestContext.Current.CancellationToken));
            Assert.False(await first.PollOnceAsync(TestContext.Current.CancellationToken));
        }

        var partial = harness.Scrape();
        Assert.Contains("libvirt_capabilities_up{target=\"t1\"} 1", partial, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_stale_combinations{target=\"t1\"} 0", partial, StringComparison.Ordinal);
        Assert.Empty(SeriesOf(partial, "aarch64", null, "qemu"));
        Assert.NotEmpty(SeriesOf(partial, "x86_64", "q35", "kvm"));
        Assert.Contains(RenderRunner.SeriesLines(partial), l => l.StartsWith("libvirt_guest_machine_info{", StringComparison.Ordinal));

        // A restart (the state file) and the group answering at last: its data appears, and none of it is drift.
        using var restarted = new PollerHarness(harness.StateDirectory);
        using var second = PollerFactory.Create(restarted, Target());
        Assert.True(await second.PollOnceAsync(TestContext.Current.CancellationToken));
        Assert.NotEmpty(SeriesOf(restarted.Scrape(), "aarch64", null, "qemu"));
        Assert.Empty(restarted.Changes.Recent());
        Assert.Empty(harness.Changes.Recent());

        // Later changes of that group are drift as usual.
        restarted.Libvirt.DomainCapsXml = (emulator, arch, machine, virtType) => BackupUnsupported(recorded(emulator, arch, machine, virtType));
        Assert.True(await second.PollOnceAsync(TestContext.Current.CancellationToken));
        Assert.Contains(restarted.Changes.Recent(), c => c.Labels.GetValueOrDefault("arch") == "aarch64" && c.Labels.GetValueOrDefault("virt_type") == "qemu");
    }

    private List<Drift.CapabilityChange> BackupChanges() =>
        [.. harness.Changes.Recent().Where(c => (c.Scope, c.Change, c.Labels["feature"], c.Old, c.New) == ("domcaps_feature_supported", "changed", "backup", "1", "0"))];

    private static string BackupUnsupported(string xml)
    {
        Assert.Contains("<backup supported='yes'/>", xml, StringComparison.Ordinal);
        return xml.Replace("<backup supported='yes'/>", "<backup supported='no'/>", StringComparison.Ordinal);
    }

    /// <summary>The domain-capabilities series of one combination (any machine when <paramref name="machine"/> is null).</summary>
    private static List<string> SeriesOf(string text, string arch, string? machine, string virtType) =>
    [
        .. RenderRunner.SeriesLines(text).Where(l => l.StartsWith("libvirt_domcaps_", StringComparison.Ordinal)
            && l.Contains($"arch=\"{arch}\",", StringComparison.Ordinal)
            && (machine is null || l.Contains($"machine=\"{machine}\",", StringComparison.Ordinal))
            && l.Contains($"virt_type=\"{virtType}\"", StringComparison.Ordinal)),
    ];

    private static TargetOptions Target() => new() { Name = "t1", Uri = "qemu+tcp://recorded/system" };

    private static string DefaultMachineOf(string arch) =>
        XDocument.Parse(new RecordedLibvirt().DomainCapsXml(null, arch, null, null)).Root!.Element("machine")!.Value;
}
