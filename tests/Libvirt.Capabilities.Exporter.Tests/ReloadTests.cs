using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Hosting;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// The service with a recorded libvirt: a target removed from the configuration disappears from /metrics,
/// every series of it, on reload; an invalid reload keeps the running configuration.
/// </summary>
public sealed class ReloadTests : IAsyncDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("lce-reload-").FullName;
    private WebApplication? app;

    private string ConfigPath => Path.Combine(directory, "exporter.json");

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Removing_a_target_removes_all_its_series_and_adding_it_back_restores_them()
    {
        WriteConfig("a", "b");
        using var http = await StartAsync();
        await WaitForAsync(http, text => text.Contains("libvirt_capabilities_up{target=\"b\"} 1", StringComparison.Ordinal));
        Assert.Contains("target=\"b\",emulator=", await Metrics(http), StringComparison.Ordinal);

        WriteConfig("a");
        var response = await http.PostAsync("/-/reload", null, TestContext.Current.CancellationToken);
        Assert.Equal("reloaded\n", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var text = await Metrics(http);
        Assert.DoesNotContain("target=\"b\"", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_up{target=\"a\"} 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"name\": \"b\"", await http.GetStringAsync("/api/targets", TestContext.Current.CancellationToken), StringComparison.Ordinal);

        WriteConfig("a", "b");
        await http.PostAsync("/-/reload", null, TestContext.Current.CancellationToken);
        await WaitForAsync(http, t => t.Contains("libvirt_capabilities_up{target=\"b\"} 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_reload_is_rejected_and_the_running_targets_stay()
    {
        WriteConfig("a");
        using var http = await StartAsync();
        await WaitForAsync(http, text => text.Contains("libvirt_capabilities_up{target=\"a\"} 1", StringComparison.Ordinal));

        File.WriteAllText(ConfigPath, """{ "Libvirt": { "Machines": { "Policy": "some" } } }""");
        var response = await http.PostAsync("/-/reload", null, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Libvirt:Machines:Policy 'some' is unknown", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_up{target=\"a\"} 1", await Metrics(http), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_file_rejects_the_reload_instead_of_crashing()
    {
        WriteConfig("a");
        using var http = await StartAsync();
        await WaitForAsync(http, text => text.Contains("libvirt_capabilities_up{target=\"a\"} 1", StringComparison.Ordinal));

        File.WriteAllText(ConfigPath, "{ \"Libvirt\": ");
        var response = await http.PostAsync("/-/reload", null, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("configuration file:", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_up{target=\"a\"} 1", await Metrics(http), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reload_names_the_changed_settings_that_wait_for_a_restart_and_applies_the_rest()
    {
        WriteConfig("a");
        using var http = await StartAsync();
        await WaitForAsync(http, text => text.Contains("libvirt_capabilities_up{target=\"a\"} 1", StringComparison.Ordinal));

        File.WriteAllText(ConfigPath, """
            { "Web": { "TelemetryPath": "/other" }, "State": { "ChangeHistory": 5 }, "Logging": { "Console": { "FormatterName": "json" } },
              "Libvirt": { "Targets": [ { "Name": "a", "Uri": "qemu+tcp://a/system" }, { "Name": "b", "Uri": "qemu+tcp://b/system" } ] } }
            """);
        var response = await http.PostAsync("/-/reload", null, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            "reloaded; these changed settings take effect only after a restart: Web:TelemetryPath, State:ChangeHistory, Logging:Console:FormatterName\n",
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await WaitForAsync(http, text => text.Contains("libvirt_capabilities_up{target=\"b\"} 1", StringComparison.Ordinal)); // Still at /metrics.

        response = await http.PostAsync("/-/reload", null, TestContext.Current.CancellationToken);
        Assert.Equal(
            "reloaded; these changed settings take effect only after a restart: Web:TelemetryPath, State:ChangeHistory, Logging:Console:FormatterName\n",
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private void WriteConfig(params string[] names) =>
        File.WriteAllText(ConfigPath, $$"""
            { "Libvirt": { "Targets": [ {{string.Join(", ", names.Select(n => $$"""{ "Name": "{{n}}", "Uri": "qemu+tcp://{{n}}/system" }"""))}} ] } }
            """);

    private async Task<HttpClient> StartAsync()
    {
        var stderr = new StringWriter();
        var libvirt = new RecordedLibvirt();
        app = ExporterHost.Build(
            ["--config.file", ConfigPath, "--web.listen-address=127.0.0.1:0", "--web.enable-lifecycle", "--state.directory", directory],
            stderr,
            out _,
            services => services.AddSingleton<ILibvirtConnector>(libvirt));
        Assert.True(app is not null, stderr.ToString());
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }

    private static Task<string> Metrics(HttpClient http) => http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

    private static async Task WaitForAsync(HttpClient http, Func<string, bool> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (condition(await Metrics(http)))
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail("metrics never reached the expected state:\n" + await Metrics(http));
    }
}
