using System.Text.Json;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// SIGHUP on the real process re-reads --config.file: targets added, removed and renamed show at /api/targets
/// and /metrics; a broken file is rejected and the running configuration stays; the process never exits on it.
/// </summary>
public sealed class SighupReloadTests
{
    [Fact]
    public async Task Sighup_applies_a_rewritten_configuration_file_and_rejects_a_broken_one()
    {
        using var probe = Libvirtd.Open(Libvirtd.TestDriver);
        var directory = Directory.CreateTempSubdirectory("lce-hup-").FullName;
        var config = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(config, Config(("before", Libvirtd.TestDriver)), TestContext.Current.CancellationToken);

        using var exporter = await ExporterProcess.StartWithArgumentsAsync("--config.file", config, "--state.directory", Path.Combine(directory, "state"), "--poll.interval=10m");
        var http = exporter.Http;
        await WaitForTargets(http, exporter, ["before"]);
        await WaitForMetric(http, exporter, "libvirt_capabilities_up{target=\"before\"} 1");

        await File.WriteAllTextAsync(config, Config(("after-1", Libvirtd.TestDriver), ("after-2", Libvirtd.TestDriver)), TestContext.Current.CancellationToken);
        exporter.Signal("HUP");
        await WaitForTargets(http, exporter, ["after-1", "after-2"]);
        await WaitForMetric(http, exporter, "libvirt_capabilities_up{target=\"after-2\"} 1");
        var metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.DoesNotContain("target=\"before\"", metrics, StringComparison.Ordinal);

        // A file that does not parse: logged, the running targets stay, the process keeps serving.
        await File.WriteAllTextAsync(config, "{ \"Libvirt\": { \"Targets\": [ { \"Name\": ", TestContext.Current.CancellationToken);
        exporter.Signal("HUP");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!exporter.Output.Contains("reload rejected", StringComparison.OrdinalIgnoreCase))
        {
            Assert.True(DateTime.UtcNow < deadline, "no rejection was logged:\n" + exporter.Output);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.False(exporter.HasExited, exporter.Output);
        Assert.Equal(["after-1", "after-2"], await Names(http));
    }

    private static string Config(params (string Name, string Uri)[] targets) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Libvirt"] = new Dictionary<string, object>
            {
                ["Targets"] = targets.Select(t => new Dictionary<string, string> { ["Name"] = t.Name, ["Uri"] = t.Uri }).ToList(),
            },
        });

    private static async Task<List<string>> Names(HttpClient http)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/targets", TestContext.Current.CancellationToken));
        return [.. json.RootElement.EnumerateArray().Select(t => t.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static async Task WaitForTargets(HttpClient http, ExporterProcess exporter, List<string> expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<string> names;
        while (!(names = await Names(http)).SequenceEqual(expected))
        {
            Assert.True(DateTime.UtcNow < deadline, $"/api/targets has [{string.Join(", ", names)}], not [{string.Join(", ", expected)}]:\n{exporter.Output}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static async Task WaitForMetric(HttpClient http, ExporterProcess exporter, string line)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken)).Contains(line, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"/metrics never showed {line}:\n{exporter.Output}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
