using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// Fault injection through the real poller, publisher and registry: a failing, hanging or read-only libvirt
/// keeps the last good data (marked stale), counts errors by reason and never leaves a stale series behind.
/// </summary>
public sealed class PollerFaultTests : IDisposable
{
    private readonly PollerHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task A_complete_poll_publishes_capabilities_and_health()
    {
        var complete = await harness.Poller().PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.True(complete, string.Join("; ", harness.Board.All.SelectMany(s => s.LastErrors).Select(e => $"{e.Stage} {e.Reason} {e.Message}")));
        var text = harness.Scrape();

        Assert.Contains("libvirt_capabilities_up{target=\"t1\"} 1", text, StringComparison.Ordinal);
        var combinations = ExpectedCombinations(harness.Libvirt.HostXml);
        Assert.Equal(combinations.Count, RenderRunner.CountSeries(text, "libvirt_domcaps_info"));
        Assert.Equal(1, RenderRunner.CountSeries(text, "libvirt_host_capabilities_fingerprint_info"));
        Assert.Equal(combinations.Count, RenderRunner.CountSeries(text, "libvirt_domcaps_fingerprint_info"));
        foreach (var (arch, virtType, machine) in combinations)
        {
            Assert.Contains($"arch=\"{arch}\",machine=\"{machine}\",virt_type=\"{virtType}\"", text, StringComparison.Ordinal);
        }
        Assert.True(harness.Board.Ready);
        Promtool.AssertValid(text);
    }

    [Fact]
    public async Task A_failed_poll_keeps_the_last_good_capabilities_and_marks_them_stale()
    {
        var poller = harness.Poller();
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        var good = harness.Scrape();

        harness.Libvirt.HostError = new LibvirtException("virConnectGetCapabilities", 38, 7, "End of file while reading data: Input/output error");
        Assert.False(await poller.PollOnceAsync(TestContext.Current.CancellationToken));
        var stale = harness.Scrape();

        Assert.Contains("libvirt_capabilities_up{target=\"t1\"} 0", stale, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_collection_success{target=\"t1\",stage=\"host\"} 0", stale, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_scrape_errors_total{target=\"t1\",reason=\"libvirt_error\"} 1", stale, StringComparison.Ordinal);
        Assert.Equal(CapabilityLines(good), CapabilityLines(stale));
        Assert.True(harness.Board.All.Single().Stale);
    }

    [Fact]
    public async Task An_unreachable_target_reports_unreachable_and_publishes_no_capabilities()
    {
        harness.Libvirt.OpenError = RecordedLibvirt.Unreachable();
        Assert.False(await harness.Poller().PollOnceAsync(TestContext.Current.CancellationToken));
        var text = harness.Scrape();

        Assert.Contains("libvirt_capabilities_up{target=\"t1\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_scrape_errors_total{target=\"t1\",reason=\"unreachable\"} 1", text, StringComparison.Ordinal);
        Assert.Empty(CapabilityLines(text));
        Assert.Equal("unreachable", harness.Board.All.Single().LastErrors.Single().Reason);
    }

    [Fact]
    public async Task Malformed_xml_is_a_parse_error_not_a_crash()
    {
        var poller = harness.Poller();
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        harness.Libvirt.HostXml = "<capabilities><host><cpu>";

        Assert.False(await poller.PollOnceAsync(TestContext.Current.CancellationToken));
        Assert.Contains("libvirt_capabilities_scrape_errors_total{target=\"t1\",reason=\"parse_error\"} 1", harness.Scrape(), StringComparison.Ordinal);
        Assert.NotEmpty(CapabilityLines(harness.Scrape()));
    }

    [Fact]
    public async Task A_hanging_libvirt_times_out_without_delaying_another_target()
    {
        using var hang = new ManualResetEventSlim(false);
        var hanging = new RecordedLibvirt { Hang = hang };
        var stuck = harness.Poller("stuck", timeout: TimeSpan.FromSeconds(30), libvirt: hanging);
        var healthy = harness.Poller("healthy");

        var stuckPoll = stuck.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.True(await healthy.PollOnceAsync(TestContext.Current.CancellationToken));
        Assert.False(stuckPoll.IsCompleted);
        Assert.Contains("libvirt_capabilities_up{target=\"healthy\"} 1", harness.Scrape(), StringComparison.Ordinal);

        // Only once the call hangs has the poll armed its timeout; advancing the clock earlier would never fire it.
        Assert.True(hanging.Hanging.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        harness.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.False(await stuckPoll);
        hang.Set();
        var text = harness.Scrape();
        Assert.Contains("libvirt_capabilities_scrape_errors_total{target=\"stuck\",reason=\"timeout\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_up{target=\"stuck\"} 0", text, StringComparison.Ordinal);
        Assert.Equal(0, hanging.OpenConnections);
    }

    [Fact]
    public async Task A_hung_call_is_never_joined_by_another_and_its_stage_is_named()
    {
        using var hang = new ManualResetEventSlim(false);
        var hanging = new RecordedLibvirt { Hang = hang };
        var stuck = harness.Poller("stuck", timeout: TimeSpan.FromSeconds(30), libvirt: hanging);
        Assert.Contains("libvirt_capabilities_up{target=\"stuck\"} 0", harness.Scrape(), StringComparison.Ordinal); // Before any poll ends.

        for (var i = 0; i < 5; i++)
        {
            var poll = stuck.PollOnceAsync(TestContext.Current.CancellationToken);
            Assert.True(hanging.Hanging.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
            harness.Time.Advance(TimeSpan.FromSeconds(31));
            Assert.False(await poll);
        }

        // One connection and one blocked call, however many polls timed out; each poll names the stage that hung.
        Assert.Equal(1, hanging.Opens);
        var errors = harness.Board.All.Single(s => s.Name == "stuck").LastErrors;
        Assert.Equal(("host", "timeout"), (Assert.Single(errors).Stage, errors[0].Reason));
        Assert.Contains("has not returned", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_scrape_errors_total{target=\"stuck\",reason=\"timeout\"} 5", harness.Scrape(), StringComparison.Ordinal);
        hang.Set();
    }

    [Fact]
    public async Task A_read_only_target_is_up_with_domain_capabilities_unavailable()
    {
        Assert.True(await harness.Poller(readOnly: true).PollOnceAsync(TestContext.Current.CancellationToken));
        var text = harness.Scrape();

        Assert.Contains("libvirt_capabilities_up{target=\"t1\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_collection_success{target=\"t1\",stage=\"domain\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_scrape_errors_total{target=\"t1\",reason=\"read_only\"} 1", text, StringComparison.Ordinal);
        Assert.Equal(0, RenderRunner.CountSeries(text, "libvirt_domcaps_info"));
        Assert.True(RenderRunner.CountSeries(text, "libvirt_guest_machine_info") > 0);
    }

    [Fact]
    public async Task A_vanished_capability_leaves_no_series_behind()
    {
        var poller = harness.Poller();
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.Contains("model=\"Skylake-Client-IBRS\"", harness.Scrape(), StringComparison.Ordinal);

        var withoutModel = string.Join('\n', RecordedLibvirt.Fixture("domcaps-x86_64-kvm-q35.xml").Split('\n')
            .Where(l => !l.Contains(">Skylake-Client-IBRS<", StringComparison.Ordinal)));
        harness.Libvirt.DomainCapsXml = (_, arch, _, _) => arch is "x86_64" or "i686" ? withoutModel : RecordedLibvirt.Fixture("domcaps-aarch64-qemu-virt.xml");
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain("model=\"Skylake-Client-IBRS\"", harness.Scrape(), StringComparison.Ordinal);
        var x86 = ExpectedCombinations(harness.Libvirt.HostXml).Count(c => c.Arch is "x86_64" or "i686");
        var changes = harness.Changes.Recent().Where(c => c.Scope == "domcaps_cpu_model_usable").ToList();
        Assert.Equal(x86, changes.Count);
        Assert.All(changes, c => Assert.Equal(("removed", "t1", "Skylake-Client-IBRS"), (c.Change, c.Target, c.Labels["model"])));
        Assert.Contains(
            $"libvirt_capabilities_changes_total{{target=\"t1\",scope=\"domcaps_cpu_model_usable\",change=\"removed\",kind=\"capability\"}} {x86}",
            harness.Scrape(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vanished_combination_leaves_no_series_behind()
    {
        var poller = harness.Poller();
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.Contains("arch=\"aarch64\"", harness.Scrape(), StringComparison.Ordinal);

        harness.Libvirt.HostXml = string.Join('\n', DropGuests(RecordedLibvirt.Fixture("hostcaps.xml"), "aarch64", "armv6l", "armv7l"));
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);

        var text = harness.Scrape();
        Assert.DoesNotContain("aarch64", text, StringComparison.Ordinal);
        Assert.DoesNotContain("qemu-system-arm", text, StringComparison.Ordinal);
        Assert.Equal(ExpectedCombinations(harness.Libvirt.HostXml).Count, RenderRunner.CountSeries(text, "libvirt_domcaps_info"));
    }

    [Fact]
    public async Task Polling_an_unchanged_libvirt_reports_no_changes()
    {
        var poller = harness.Poller();
        for (var i = 0; i < 5; i++)
        {
            await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        }

        Assert.Empty(harness.Changes.Recent());
        Assert.DoesNotContain("libvirt_capabilities_changes_total{", harness.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_across_a_restart_is_reported_once_from_persisted_state()
    {
        await harness.Poller().PollOnceAsync(TestContext.Current.CancellationToken);

        using var restarted = new PollerHarness(harness.StateDirectory);
        restarted.Libvirt.DomainCapsXml = (_, arch, _, _) => arch is "x86_64" or "i686"
            ? RecordedLibvirt.Fixture("domcaps-x86_64-kvm-q35.xml").Replace("<backup supported='yes'/>", "<backup supported='no'/>", StringComparison.Ordinal)
            : RecordedLibvirt.Fixture("domcaps-aarch64-qemu-virt.xml");
        var poller = restarted.Poller();
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);

        var changes = restarted.Changes.Recent();
        Assert.Equal(ExpectedCombinations(restarted.Libvirt.HostXml).Count(c => c.Arch is "x86_64" or "i686"), changes.Count);
        Assert.All(changes, change =>
        {
            Assert.Equal(("domcaps_feature_supported", "changed", "1", "0"), (change.Scope, change.Change, change.Old, change.New));
            Assert.Equal("backup", change.Labels["feature"]);
        });
        Assert.Contains("libvirt_capabilities_last_change_timestamp_seconds{target=\"t1\"}", restarted.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_state_file_is_set_aside_and_never_blocks_start()
    {
        var store = new Drift.StateStore(harness.StateDirectory);
        Directory.CreateDirectory(harness.StateDirectory);
        await File.WriteAllTextAsync(store.PathFor("t1"), "{ not json", TestContext.Current.CancellationToken);

        var poller = harness.Poller();
        Assert.True(await poller.PollOnceAsync(TestContext.Current.CancellationToken));

        Assert.True(File.Exists(store.PathFor("t1") + ".corrupt"));
        Assert.Empty(harness.Changes.Recent());
        Assert.NotNull(store.Load("t1", out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public async Task A_connection_that_opens_after_its_timeout_is_closed_not_leaked()
    {
        using var slowLogin = new ManualResetEventSlim(false);
        var slow = new RecordedLibvirt { OpenHang = slowLogin };
        var poller = harness.Poller(timeout: TimeSpan.FromSeconds(10), libvirt: slow);

        var poll = poller.PollOnceAsync(TestContext.Current.CancellationToken);
        harness.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.False(await poll);
        slowLogin.Set();

        for (var i = 0; i < 100 && slow.Opens == 0; i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(1, slow.Opens);
        Assert.Equal(0, slow.OpenConnections);
        Assert.Contains("libvirt_capabilities_scrape_errors_total{target=\"t1\",reason=\"timeout\"} 1", harness.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_file_without_facts_is_set_aside()
    {
        var store = new Drift.StateStore(harness.StateDirectory);
        Directory.CreateDirectory(harness.StateDirectory);
        await File.WriteAllTextAsync(store.PathFor("t1"), """{"Version":2,"Target":"t1","Settings":"x","SavedAt":"2026-01-01T00:00:00Z"}""", TestContext.Current.CancellationToken);

        Assert.True(await harness.Poller().PollOnceAsync(TestContext.Current.CancellationToken));
        Assert.True(File.Exists(store.PathFor("t1") + ".corrupt"));
    }

    [Fact]
    public async Task A_baseline_taken_under_other_settings_is_not_compared()
    {
        await harness.Poller().PollOnceAsync(TestContext.Current.CancellationToken);

        using var restarted = new PollerHarness(harness.StateDirectory);
        await restarted.Poller(readOnly: true).PollOnceAsync(TestContext.Current.CancellationToken);

        Assert.Empty(restarted.Changes.Recent());
    }

    private static List<string> CapabilityLines(string text) =>
        [.. RenderRunner.SeriesLines(text).Where(l => l.StartsWith("libvirt_domcaps_", StringComparison.Ordinal) || l.StartsWith("libvirt_host_", StringComparison.Ordinal) || l.StartsWith("libvirt_guest_", StringComparison.Ordinal))];

    private static IEnumerable<string> DropGuests(string hostXml, params string[] arches)
    {
        var skipping = false;
        var buffer = new List<string>();
        foreach (var line in hostXml.Split('\n'))
        {
            if (line.Trim() == "<guest>")
            {
                buffer.Clear();
                skipping = false;
            }

            if (buffer.Count > 0 || line.Trim() == "<guest>")
            {
                buffer.Add(line);
                skipping |= arches.Any(a => line.Contains($"<arch name='{a}'>", StringComparison.Ordinal));
                if (line.Trim() == "</guest>")
                {
                    if (!skipping)
                    {
                        foreach (var kept in buffer)
                        {
                            yield return kept;
                        }
                    }

                    buffer.Clear();
                }

                continue;
            }

            yield return line;
        }
    }

    /// <summary>
    /// The combinations a poll must publish, from the host XML alone: per hvm arch and domain type, each machine
    /// alias, plus <c>default</c> when the recorded default document's machine is no alias's canonical.
    /// </summary>
    private static List<(string Arch, string VirtType, string Machine)> ExpectedCombinations(string hostXml)
    {
        var combinations = new List<(string, string, string)>();
        foreach (var arch in System.Xml.Linq.XDocument.Parse(hostXml).Descendants("guest").Where(g => g.Element("os_type")?.Value == "hvm").Select(g => g.Element("arch")!))
        {
            var name = arch.Attribute("name")!.Value;
            var defaultMachine = System.Xml.Linq.XDocument.Parse(new RecordedLibvirt().DomainCapsXml(null, name, null, null)).Root!.Element("machine")!.Value;
            foreach (var domain in arch.Elements("domain"))
            {
                var machines = domain.Elements("machine").Any() ? domain.Elements("machine") : arch.Elements("machine");
                var aliases = machines.Where(m => m.Attribute("canonical") is not null).ToList();
                combinations.AddRange(aliases.Select(a => (name, domain.Attribute("type")!.Value, a.Value.Trim())));
                if (!aliases.Any(a => a.Attribute("canonical")!.Value == defaultMachine))
                {
                    combinations.Add((name, domain.Attribute("type")!.Value, "default"));
                }
            }
        }

        return combinations;
    }
}
