using System.Text.Json;
using Libvirt.Capabilities.Exporter.Hosting;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// The fleet inside the running exporter: two targets of this host (unix socket and TCP) and a read-only one in
/// one group, as /api/compat and /metrics show them once the pollers have handed over their snapshots.
/// </summary>
public sealed class CompatServiceTests
{
    [Fact]
    public async Task Api_compat_and_the_fleet_series_describe_the_group()
    {
        using var probe = Libvirtd.Open(Libvirtd.Tcp);
        var stderr = new StringWriter();
        await using var app = ExporterHost.Build(
            [
                "--web.listen-address=127.0.0.1:0", "--state.directory=", "--poll.interval=10m",
                "--Libvirt:Machines:IncludeArch:0=x86_64",
                "--Libvirt:Targets:0:Name=unix", $"--Libvirt:Targets:0:Uri={Libvirtd.System}", "--Libvirt:Targets:0:Group=rack",
                "--Libvirt:Targets:1:Name=tcp", $"--Libvirt:Targets:1:Uri={Libvirtd.Tcp}", "--Libvirt:Targets:1:Group=rack",
                "--Libvirt:Targets:2:Name=ro", $"--Libvirt:Targets:2:Uri={Libvirtd.System}", "--Libvirt:Targets:2:Group=rack", "--Libvirt:Targets:2:ReadOnly=true",
            ],
            stderr,
            out _);
        Assert.True(app is not null, stderr.ToString());
        await app.StartAsync(TestContext.Current.CancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(30) };

        // Both read-write targets classified and the baseline checked on them.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        JsonElement group = default;
        while (DateTime.UtcNow < deadline)
        {
            using var report = JsonDocument.Parse(await http.GetStringAsync("/api/compat", TestContext.Current.CancellationToken));
            var groups = report.RootElement.GetProperty("groups");
            if (groups.GetArrayLength() == 1
                && groups[0].GetProperty("classes").EnumerateArray().SelectMany(c => c.GetProperty("targets").EnumerateArray()).Count() == 2
                && groups[0].GetProperty("baselines").EnumerateArray().Any(b => b.GetProperty("targets").EnumerateArray().Count(t => t.GetProperty("verdict").GetProperty("outcome").GetString() == "compatible") == 2))
            {
                group = groups[0].Clone();
                break;
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        Assert.True(group.ValueKind == JsonValueKind.Object, "/api/compat did not show the classified group within 4 minutes");
        Assert.Equal("rack", group.GetProperty("group").GetString());
        var cpuClass = Assert.Single(group.GetProperty("classes").EnumerateArray());
        Assert.Equal(["tcp", "unix"], cpuClass.GetProperty("targets").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("ro", Assert.Single(group.GetProperty("unclassified").EnumerateArray()).GetProperty("target").GetString());
        var baseline = Assert.Single(group.GetProperty("baselines").EnumerateArray());
        Assert.StartsWith("<cpu mode='custom' match='exact'>", baseline.GetProperty("xml").GetString(), StringComparison.Ordinal);

        var metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        var id = cpuClass.GetProperty("id").GetString();
        Assert.Contains($"libvirt_fleet_host_model_compatible{{group=\"rack\",source=\"{id}\",destination=\"{id}\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("libvirt_fleet_baseline_cpu_compatible{group=\"rack\",arch=\"x86_64\",target=\"ro\"} -1", metrics, StringComparison.Ordinal);
        Assert.Contains("libvirt_fleet_hosts{group=\"rack\",arch=\"x86_64\"} 3", metrics, StringComparison.Ordinal);
        Assert.Contains(RenderRunner.SeriesLines(metrics), l => l.StartsWith("libvirt_fleet_cpu_model_usable_hosts{group=\"rack\",arch=\"x86_64\",", StringComparison.Ordinal) && l.EndsWith(" 2", StringComparison.Ordinal));
        var documentation = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "metrics.md"));
        Assert.All(
            RenderRunner.SeriesLines(metrics).Select(l => l.Split('{', ' ')[0]).Where(n => n.StartsWith("libvirt_fleet_", StringComparison.Ordinal)).Distinct(),
            name => Assert.Contains($"| `{name}` |", documentation, StringComparison.Ordinal));
        Promtool.AssertValid(metrics);
        Assert.Contains("/api/compat", await http.GetStringAsync("/", TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }
}
