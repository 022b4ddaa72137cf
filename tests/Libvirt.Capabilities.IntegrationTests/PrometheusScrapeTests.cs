using System.Diagnostics;
using System.Text.Json;
using Libvirt.Capabilities.Exporter.Hosting;
using Libvirt.Capabilities.TestSupport;
using Microsoft.AspNetCore.Builder;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// A real Prometheus (Debian's) scrapes the exporter secured by docs/examples/web-config.yml (TLS and basic
/// auth) and by the same file with client certificates required. Prometheus's own view, through its API, is
/// the oracle: which jobs are up and why the others are not.
/// </summary>
public sealed class PrometheusScrapeTests : IAsyncDisposable
{
    private const string PrometheusBinary = "/usr/bin/prometheus";
    private const string PrometheusAddress = "127.0.0.1:19111";

    private readonly TestCertificates certificates = new();
    private readonly List<WebApplication> exporters = [];
    private Process? prometheus;

    [Fact]
    public async Task Prometheus_scrapes_over_tls_with_basic_auth_and_client_certificates()
    {
        TestEnvironment.Require(File.Exists(PrometheusBinary), "prometheus (apt-get install prometheus)");
        var example = certificates.Path("web-config.yml");
        File.Copy(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "examples", "web-config.yml"), example);
        File.Copy(certificates.Path("ca.crt"), certificates.Path("client-ca.crt"));
        var withClientCertificates = certificates.Path("web-config-mtls.yml");
        File.WriteAllText(withClientCertificates, File.ReadAllText(example).Replace("  # client_", "  client_", StringComparison.Ordinal));
        Assert.Equal(0, Promtool("check", "web-config", example, withClientCertificates).ExitCode);

        var basic = await StartExporter(example);
        var mutual = await StartExporter(withClientCertificates);
        var ca = certificates.Path("ca.crt");
        var clientCertificate = $"cert_file: {certificates.Path("client.crt")}, key_file: {certificates.Path("client.key")}, ";
        var config = certificates.Path("prometheus.yml");
        File.WriteAllText(config, $$"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - { job_name: tls-basic-auth, scheme: https, tls_config: { ca_file: {{ca}} }, basic_auth: { username: prometheus, password: scrape-me }, static_configs: [ { targets: ['{{basic}}'] } ] }
              - { job_name: wrong-password, scheme: https, tls_config: { ca_file: {{ca}} }, basic_auth: { username: prometheus, password: scrape-you }, static_configs: [ { targets: ['{{basic}}'] } ] }
              - { job_name: plain-http, scheme: http, basic_auth: { username: prometheus, password: scrape-me }, static_configs: [ { targets: ['{{basic}}'] } ] }
              - { job_name: client-certificate, scheme: https, tls_config: { {{clientCertificate}}ca_file: {{ca}} }, basic_auth: { username: prometheus, password: scrape-me }, static_configs: [ { targets: ['{{mutual}}'] } ] }
              - { job_name: no-client-certificate, scheme: https, tls_config: { ca_file: {{ca}} }, basic_auth: { username: prometheus, password: scrape-me }, static_configs: [ { targets: ['{{mutual}}'] } ] }
            """);
        Assert.Equal(0, Promtool("check", "config", config).ExitCode);
        prometheus = Process.Start(new ProcessStartInfo(
            PrometheusBinary,
            ["--config.file", config, "--storage.tsdb.path", certificates.Path("data"), "--web.listen-address", PrometheusAddress])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();

        using var api = new HttpClient { BaseAddress = new Uri($"http://{PrometheusAddress}"), Timeout = TimeSpan.FromSeconds(10) };
        var targets = await WaitForAllScraped(api);

        Assert.Equal("up", targets["tls-basic-auth"].Health);
        Assert.Equal("up", targets["client-certificate"].Health);
        Assert.Equal("down", targets["wrong-password"].Health);
        Assert.Contains("401 Unauthorized", targets["wrong-password"].LastError, StringComparison.Ordinal);
        Assert.Equal("down", targets["plain-http"].Health);
        Assert.Equal("down", targets["no-client-certificate"].Health);
        // TLS 1.3 lets the client finish its half of the handshake first, so Go only sees the connection close.
        Assert.NotEmpty(targets["no-client-certificate"].LastError);
        Assert.Empty(targets["client-certificate"].LastError);

        var up = await Query(api, "up");
        Assert.Equal("1", up["tls-basic-auth"]);
        Assert.Equal("1", up["client-certificate"]);
        Assert.Equal("0", up["wrong-password"]);
        Assert.Equal("0", up["plain-http"]);
        Assert.Equal("0", up["no-client-certificate"]);
        Assert.Equal("1", (await Query(api, "libvirt_capabilities_exporter_build_info"))["tls-basic-auth"]);
    }

    public async ValueTask DisposeAsync()
    {
        if (prometheus is not null)
        {
            prometheus.Kill();
            await prometheus.WaitForExitAsync();
            prometheus.Dispose();
        }

        foreach (var exporter in exporters)
        {
            await exporter.DisposeAsync();
        }

        certificates.Dispose();
    }

    /// <summary>Starts an exporter over libvirt's test driver; returns its host:port.</summary>
    private async Task<string> StartExporter(string webConfig)
    {
        var stderr = new StringWriter();
        var app = ExporterHost.Build(
            ["--web.listen-address=127.0.0.1:0", "--web.config.file", webConfig, "--libvirt.uri", Libvirtd.TestDriver, "--state.directory="],
            stderr,
            out _);
        Assert.True(app is not null, stderr.ToString());
        exporters.Add(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var url = new Uri(app.Urls.Single());
        Assert.Equal("https", url.Scheme);
        return $"{url.Host}:{url.Port}";
    }

    private static async Task<Dictionary<string, (string Health, string LastError)>> WaitForAllScraped(HttpClient api)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await api.GetStringAsync("/api/v1/targets", TestContext.Current.CancellationToken);
                using var json = JsonDocument.Parse(last);
                var targets = json.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToDictionary(
                    t => t.GetProperty("labels").GetProperty("job").GetString()!,
                    t => (t.GetProperty("health").GetString()!, t.GetProperty("lastError").GetString()!));
                if (targets.Count == 5 && targets.Values.All(t => t.Item1 != "unknown"))
                {
                    return targets;
                }
            }
            catch (HttpRequestException)
            {
                // Prometheus is still starting.
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"Prometheus did not scrape every job within 60 s; last /api/v1/targets:\n{last}");
        return [];
    }

    /// <summary>An instant query's value per job.</summary>
    private static async Task<Dictionary<string, string>> Query(HttpClient api, string query)
    {
        using var json = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}", TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().ToDictionary(
            r => r.GetProperty("metric").GetProperty("job").GetString()!,
            r => r.GetProperty("value")[1].GetString()!);
    }

    private static (int ExitCode, string Output) Promtool(params string[] args)
    {
        TestEnvironment.Require(File.Exists("/usr/bin/promtool"), "promtool (apt-get install prometheus)");
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/promtool", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"promtool {string.Join(' ', args)}: {output}");
        return (process.ExitCode, output);
    }
}
