using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// Issue 10, "unknown: ... or it is down": the real exporter with two targets in one group, the shared libvirtd and
/// a private one (<see cref="PrivateLibvirtd"/>) that is stopped and started again; the shared one is never touched.
/// Both run this host's libvirt and QEMU, so the private daemon is made to report another QEMU build (as after a
/// QEMU update on one host of a group): the same host-model CPU under another hypervisor version is a CPU class of
/// its own, so each daemon judges the other's CPU, as virsh does on the same files and daemons.
/// </summary>
public sealed class FleetDownTests
{
    private const int ExporterPort = 19400;
    private const int TcpPort = 19410;
    private const int TlsPort = 19411;
    private const string Shared = "shared";
    private const string Private = "private";

    [Fact]
    public async Task A_destination_that_goes_down_is_unknown_until_its_daemon_is_back()
    {
        using var probe = Libvirtd.Open(Libvirtd.System);
        using var daemon = new PrivateLibvirtd(TcpPort, TlsPort);
        var build = AnotherQemuBuild(daemon);
        using var exporter = await ExporterProcess.StartAsync(
            ExporterPort,
            [(Shared, Libvirtd.System), (Private, daemon.TcpUri)],
            "--poll.interval=2s", "--poll.timeout=3s", "--Libvirt:Machines:IncludeArch:0=x86_64");

        // Up: two classes, compatible both ways, each answer the one virsh gives on the destination daemon.
        var (sharedClass, privateClass) = await ClassesAsync(exporter);
        var up = await exporter.WaitForAsync(
            "compatible both ways",
            m => Compatible(m, sharedClass, privateClass) == 1 && Compatible(m, privateClass, sharedClass) == 1 && Baseline(m, Private) == 1,
            TimeSpan.FromSeconds(90));
        using (var report = JsonDocument.Parse(await exporter.GetAsync("/api/compat")))
        {
            var sharedFile = DomainCapabilitiesFile(Libvirtd.System);
            var privateFile = DomainCapabilitiesFile(daemon.TcpUri);
            Assert.Equal(Virsh.Compare(daemon.TcpUri, sharedFile, "x86_64", "kvm"), Verdict(report, sharedClass, privateClass));
            Assert.Equal(Virsh.Compare(Libvirtd.System, privateFile, "x86_64", "kvm"), Verdict(report, privateClass, sharedClass));
            Assert.Equal(build, Class(report, privateClass).GetProperty("hypervisorVersion").GetString());
        }

        var before = FleetSeries(up);

        // Down: as a destination it cannot judge (-1, no blockers); as a source, the shared daemon's verdict on its
        // last known host-model CPU stays; its class and inventory stay those of its last complete poll.
        daemon.Stop();
        var sinceStop = System.Diagnostics.Stopwatch.StartNew();
        var down = await exporter.WaitForAsync(
            "the private daemon down and its class unknown as a destination",
            m => m.Up(Private) == 0 && Compatible(m, sharedClass, privateClass) == -1,
            TimeSpan.FromSeconds(30));
        var toUnknown = sinceStop.Elapsed;
        Assert.Equal(-1, Compatible(down, privateClass, privateClass));
        Assert.Equal(1, Compatible(down, privateClass, sharedClass));
        Assert.Equal(1, Compatible(down, sharedClass, sharedClass));
        Assert.DoesNotContain(FleetSeries(down), l => l.StartsWith("libvirt_fleet_host_model_blocker{", StringComparison.Ordinal));
        Assert.Equal(-1, Baseline(down, Private));
        Assert.Equal(1, Baseline(down, Shared));
        Assert.Equal(1, down.Value($"libvirt_fleet_cpu_class_info{{group=\"default\",class=\"{privateClass}\",target=\"{Private}\"}}"));
        Assert.Equal(2, down.Value("libvirt_fleet_hosts{group=\"default\",arch=\"x86_64\"}"));
        using (var report = JsonDocument.Parse(await exporter.GetAsync("/api/compat")))
        {
            Assert.StartsWith("destination down", Verdict(report, sharedClass, privateClass).Message, StringComparison.Ordinal);
            Assert.Equal([Private], Class(report, privateClass).GetProperty("down").EnumerateArray().Select(t => t.GetString()));
        }

        // The oracle agrees that nothing can be judged there now.
        Assert.NotEqual(0, Virsh.Run("-c", daemon.TcpUri, "version").ExitCode);

        // Back: the same classes and exactly the fleet series of before, none stale, none missing.
        daemon.Start();
        var sinceStart = System.Diagnostics.Stopwatch.StartNew();
        var back = await exporter.WaitForAsync(
            "the private daemon back",
            m => m.Up(Private) == 1 && Compatible(m, sharedClass, privateClass) == 1 && Baseline(m, Private) == 1,
            TimeSpan.FromSeconds(60));
        var figures = $"fleet: destination unknown {toUnknown.TotalSeconds:0.0} s after its daemon stopped, compatible again {sinceStart.Elapsed.TotalSeconds:0.0} s after it started (poll interval 2 s)";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        Console.WriteLine(figures);
        Assert.Equal(before, FleetSeries(back));
    }

    /// <summary>
    /// Makes the private daemon report QEMU's version plus one build: the daemon reads QEMU's version from its
    /// capability cache, which is its own (DIR/cache). Its first start may re-probe QEMU (libvirt validates the cache
    /// against the CPU it runs on), so the cache is edited once `virsh version` has answered, and checked after.
    /// </summary>
    private static string AnotherQemuBuild(PrivateLibvirtd daemon)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(0, Virsh.Run("-c", daemon.TcpUri, "version").ExitCode);
            daemon.Stop();
            var file = Directory.GetFiles(Path.Combine(daemon.Directory, "cache", "qemu", "capabilities"), "*.xml")
                .Single(f => File.ReadAllText(f).Contains("<emulator>/usr/bin/qemu-system-x86_64</emulator>", StringComparison.Ordinal));
            var text = File.ReadAllText(file);
            var version = int.Parse(Regex.Match(text, "<version>([0-9]+)</version>").Groups[1].Value, CultureInfo.InvariantCulture) + 1;
            File.WriteAllText(file, Regex.Replace(text, "<version>[0-9]+</version>", $"<version>{version}</version>"));
            daemon.Start();
            var build = $"{version / 1_000_000}.{version / 1000 % 1000}.{version % 1000}";
            if (Virsh.Run("-c", daemon.TcpUri, "version").Stdout.Contains($"Running hypervisor: QEMU {build}", StringComparison.Ordinal))
            {
                return build;
            }
        }

        Assert.Fail("the private libvirtd re-probed QEMU at every start, so its QEMU version could not be changed");
        return "";
    }

    /// <summary>The CPU classes of the two targets, once both are classified.</summary>
    private static async Task<(string Shared, string Private)> ClassesAsync(ExporterProcess exporter)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            using var report = JsonDocument.Parse(await exporter.GetAsync("/api/compat"));
            var classes = report.RootElement.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("classes").EnumerateArray())
                .SelectMany(c => c.GetProperty("targets").EnumerateArray().Select(t => (Target: t.GetString(), Id: c.GetProperty("id").GetString()!)))
                .ToDictionary(t => t.Target!, t => t.Id);
            if (classes.Count == 2)
            {
                Assert.NotEqual(classes[Shared], classes[Private]);
                return (classes[Shared], classes[Private]);
            }

            Assert.True(DateTime.UtcNow < deadline, "both targets were not classified within 90 s:\n" + exporter.Tail());
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
    }

    private static double? Compatible(MetricsText metrics, string source, string destination) =>
        metrics.Value($"libvirt_fleet_host_model_compatible{{group=\"default\",source=\"{source}\",destination=\"{destination}\"}}");

    private static double? Baseline(MetricsText metrics, string target) =>
        metrics.Value($"libvirt_fleet_baseline_cpu_compatible{{group=\"default\",arch=\"x86_64\",target=\"{target}\"}}");

    private static List<string> FleetSeries(MetricsText metrics) =>
        [.. RenderRunner.SeriesLines(metrics.Text).Where(l => l.StartsWith("libvirt_fleet_", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private static JsonElement Class(JsonDocument report, string id) =>
        report.RootElement.GetProperty("groups")[0].GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);

    private static Virsh.Verdict Verdict(JsonDocument report, string source, string destination)
    {
        var verdict = report.RootElement.GetProperty("groups")[0].GetProperty("pairs").EnumerateArray()
            .Single(p => p.GetProperty("source").GetString() == source && p.GetProperty("destination").GetString() == destination)
            .GetProperty("verdict");
        return new Virsh.Verdict(verdict.GetProperty("outcome").GetString()!, Text(verdict, "result"), Text(verdict, "message"));
    }

    /// <summary>/api/compat leaves out null values.</summary>
    private static string? Text(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value.GetString() : null;

    /// <summary>The daemon's domain capabilities for x86_64 kvm (its default machine), as virsh saves them.</summary>
    private static string DomainCapabilitiesFile(string uri)
    {
        var (exitCode, xml, error) = Virsh.Run("-c", uri, "domcapabilities", "--arch", "x86_64", "--virttype", "kvm");
        Assert.True(exitCode == 0, error);
        var file = Path.Combine(Directory.CreateTempSubdirectory("lce-fleet-down-").FullName, "domcaps.xml");
        File.WriteAllText(file, xml);
        return file;
    }
}
