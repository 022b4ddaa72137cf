using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Libvirt.Capabilities.Exporter.Hosting;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// The long-running exporter end to end, in-process, against the real libvirtd: one reachable target over
/// TCP and one that hangs (a socket that never answers), scraped over HTTP like Prometheus would.
/// </summary>
public sealed class ExporterServiceTests
{
    private const string Reachable = "qemu+tcp://127.0.0.1/system";

    [Fact]
    public async Task Serves_the_contract_while_a_hanging_target_times_out_on_its_own()
    {
        using var probe = Libvirtd.Open(Reachable);
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // Accepts connections and never says a word: a hung libvirtd.
        var hangingUri = $"qemu+tcp://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/system";
        var state = Directory.CreateTempSubdirectory("lce-e2e-").FullName;

        // The named target comes from the file; the flags add the other two.
        var config = Path.Combine(state, "..", Path.GetFileName(state) + ".json");
        await File.WriteAllTextAsync(
            config, $$"""{ "Libvirt": { "Targets": [ { "Name": "hanging", "Uri": "{{hangingUri}}", "Timeout": "00:00:03" } ] } }""", TestContext.Current.CancellationToken);
        var stderr = new StringWriter();
        await using var app = ExporterHost.Build(
            [
                "--web.listen-address=127.0.0.1:0", "--state.directory", state, "--poll.interval=10m", "--config.file", config,
                "--libvirt.uri", Reachable, "--libvirt.uri", Libvirtd.System,
            ],
            stderr,
            out _);
        Assert.True(app is not null, stderr.ToString());
        await app.StartAsync(TestContext.Current.CancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(30) };

        Assert.Equal("ok\n", await http.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz", TestContext.Current.CancellationToken)).StatusCode);

        // The hanging target gives up after its own 3 s timeout; the reachable one is not held up by it.
        await WaitFor(http, "/metrics", text => text.Contains("libvirt_capabilities_scrape_errors_total{target=\"hanging\",reason=\"timeout\"} 1", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await WaitFor(http, "/readyz", text => text == "ready\n", TimeSpan.FromMinutes(4));

        var metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains($"libvirt_capabilities_up{{target=\"{Reachable}\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"libvirt_capabilities_up{{target=\"{Libvirtd.System}\"}} 1", metrics, StringComparison.Ordinal);
        foreach (var target in new[] { Reachable, Libvirtd.System })
        {
            Assert.Contains(RenderRunner.SeriesLines(metrics), l => l.StartsWith($"libvirt_domcaps_feature_supported{{target=\"{target}\"", StringComparison.Ordinal));
            Assert.Contains(RenderRunner.SeriesLines(metrics), l => l.StartsWith($"libvirt_guest_machine_info{{target=\"{target}\"", StringComparison.Ordinal));
        }

        Assert.Contains("libvirt_capabilities_up{target=\"hanging\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains(RenderRunner.SeriesLines(metrics), l => l.StartsWith("libvirt_domcaps_info{", StringComparison.Ordinal) && l.Contains("arch=\"aarch64\"", StringComparison.Ordinal));
        Assert.Contains(RenderRunner.SeriesLines(metrics), l => l.StartsWith("libvirt_domcaps_cpu_model_usable{", StringComparison.Ordinal) && l.Contains("virt_type=\"kvm\"", StringComparison.Ordinal));
        Assert.Contains("libvirt_host_capabilities_fingerprint_info{", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("target=\"hanging\",emulator=", metrics, StringComparison.Ordinal);
        Promtool.AssertValid(metrics);
        var documentation = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "metrics.md"));
        Assert.All(
            RenderRunner.SeriesLines(metrics).Select(l => l.Split('{', ' ')[0]).Where(n => n.StartsWith("libvirt_", StringComparison.Ordinal)).Select(BaseName).Distinct(),
            name => Assert.Contains($"| `{name}` |", documentation, StringComparison.Ordinal));

        using var targets = JsonDocument.Parse(await http.GetStringAsync("/api/targets", TestContext.Current.CancellationToken));
        var byName = targets.RootElement.EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.True(byName[Reachable].GetProperty("up").GetBoolean());
        Assert.NotEmpty(byName[Reachable].GetProperty("combinations").EnumerateArray());
        Assert.Equal("timeout", byName["hanging"].GetProperty("lastErrors")[0].GetProperty("reason").GetString());
        Assert.Equal("[]", (await http.GetStringAsync("/api/changes", TestContext.Current.CancellationToken)).Trim());
        Assert.Contains("/api/changes", await http.GetStringAsync("/", TestContext.Current.CancellationToken), StringComparison.Ordinal);

        await app.StopAsync(TestContext.Current.CancellationToken);
        Assert.NotEmpty(Directory.GetFiles(state, "*.json"));
    }

    private static string BaseName(string series) =>
        new[] { "_bucket", "_sum", "_count" }.FirstOrDefault(series.EndsWith) is { } suffix && series.StartsWith("libvirt_capabilities_api_call_duration_seconds", StringComparison.Ordinal)
            ? series[..^suffix.Length]
            : series;

    private static async Task WaitFor(HttpClient http, string path, Func<string, bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = await (await http.GetAsync(path, TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (condition(last))
            {
                return;
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"{path} did not reach the expected state within {limit}; last answer:\n{last[..Math.Min(last.Length, 2000)]}");
    }
}
