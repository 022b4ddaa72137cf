using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// The real exporter (the build output, run with <c>dotnet</c>) as a separate process, so that a crash, a
/// leak or a stuck thread pool shows as it would in production: scraped over HTTP, measured from /proc, sent
/// signals. Started either on generated targets (<see cref="StartAsync"/>) or with the caller's own arguments
/// and configuration file on a free port (<see cref="StartWithArgumentsAsync"/>). Killed on dispose.
/// </summary>
public sealed partial class ExporterProcess : IDisposable
{
    private static readonly string Binary = Path.Combine(AppContext.BaseDirectory, "libvirt-capabilities-exporter.dll");

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly string? workDirectory;
    private HttpClient? http;

    private ExporterProcess(string listenAddress, string? workDirectory, IEnumerable<string> args)
    {
        this.workDirectory = workDirectory;
        TestEnvironment.Require(File.Exists(Binary), Binary);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Binary);
        start.ArgumentList.Add($"--web.listen-address={listenAddress}");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>A client for the exporter's HTTP endpoint, once it serves.</summary>
    public HttpClient Http => http ?? throw new InvalidOperationException("the exporter does not serve yet");

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', output);

    /// <summary>Resident memory (VmRSS) in MiB.</summary>
    public double RssMiB => double.Parse(
        File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
        CultureInfo.InvariantCulture) / 1024;

    public int Threads => Directory.GetDirectories($"/proc/{Pid}/task").Length;

    public int Descriptors => Directory.GetFileSystemEntries($"/proc/{Pid}/fd").Length;

    /// <summary>
    /// Starts the exporter on these targets (a configuration file, docs/configuration.md; a null name leaves the
    /// default) with a private state directory, and waits until it serves /healthz.
    /// </summary>
    public static async Task<ExporterProcess> StartAsync(int port, (string? Name, string Uri)[] targets, params string[] args)
    {
        var work = Directory.CreateTempSubdirectory("lce-faults-exporter-").FullName;
        var config = Path.Combine(work, "config.json");
        var list = string.Join(",\n", targets.Select(t => t.Name is null
            ? $$"""      { "Uri": "{{t.Uri}}" }"""
            : $$"""      { "Name": "{{t.Name}}", "Uri": "{{t.Uri}}" }"""));
        File.WriteAllText(config, $$"""
            {
              "Libvirt": {
                "Targets": [
            {{list}}
                ]
              }
            }
            """);
        var exporter = new ExporterProcess($"127.0.0.1:{port}", work, ["--config.file", config, "--state.directory", Path.Combine(work, "state"), .. args]);
        exporter.http = Client($"http://127.0.0.1:{port}");
        return await WhenServingAsync(exporter);
    }

    /// <summary>Starts the exporter with exactly these arguments on a free port of 127.0.0.1 and waits until it serves /healthz.</summary>
    public static async Task<ExporterProcess> StartWithArgumentsAsync(params string[] args)
    {
        var exporter = new ExporterProcess("127.0.0.1:0", null, args);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            Match listening;
            while (!(listening = Listening().Match(exporter.Output)).Success)
            {
                Assert.False(exporter.HasExited, "the exporter exited at start:\n" + exporter.Output);
                Assert.True(DateTime.UtcNow < deadline, "the exporter did not listen within 60 s:\n" + exporter.Output);
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }

            exporter.http = Client(listening.Groups[1].Value);
        }
        catch
        {
            exporter.Dispose();
            throw;
        }

        return await WhenServingAsync(exporter);
    }

    /// <summary>Sends a signal to the exporter (kill -SIG pid).</summary>
    public void Signal(string signal) =>
        Process.Start("kill", [$"-{signal}", Pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    private static HttpClient Client(string address) => new() { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<ExporterProcess> WhenServingAsync(ExporterProcess exporter)
    {
        try
        {
            await exporter.WaitUntilServingAsync();
            return exporter;
        }
        catch
        {
            exporter.Dispose();
            throw;
        }
    }

    private async Task WaitUntilServingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(HasExited, "the exporter exited at start:\n" + Output);
            try
            {
                if ((await Http.GetAsync("/healthz", TestContext.Current.CancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, "the exporter did not serve /healthz within 60 s:\n" + Output);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    public async Task<string> GetAsync(string path)
    {
        try
        {
            AssertAlive();
            return await Http.GetStringAsync(path, TestContext.Current.CancellationToken);
        }
        catch (HttpRequestException)
        {
            process.WaitForExit(2000); // Refused because it just died? Then say so.
            AssertAlive();
            throw;
        }
    }

    private void AssertAlive() =>
        Assert.False(HasExited, $"the exporter died (exit code {(HasExited ? process.ExitCode : 0)}):\n{Tail()}");

    /// <summary>One scrape of /metrics and how long it took.</summary>
    public async Task<(MetricsText Metrics, TimeSpan Elapsed)> ScrapeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        var text = await GetAsync("/metrics");
        return (new MetricsText(text), stopwatch.Elapsed);
    }

    /// <summary>Scrapes until <paramref name="condition"/> holds; every scrape's duration goes to <paramref name="latencies"/> when given.</summary>
    public async Task<MetricsText> WaitForAsync(string what, Func<MetricsText, bool> condition, TimeSpan limit, List<TimeSpan>? latencies = null)
    {
        var deadline = DateTime.UtcNow + limit;
        MetricsText last;
        while (true)
        {
            (last, var elapsed) = await ScrapeAsync();
            latencies?.Add(elapsed);
            if (condition(last))
            {
                return last;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what}: not reached within {limit.TotalSeconds} s. Health series:\n{last.Health()}\nLog:\n{Tail()}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The last lines of the log, for failure messages.</summary>
    public string Tail(int lines = 40) => string.Join('\n', output.TakeLast(lines));

    public void Dispose()
    {
        http?.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
        if (workDirectory is not null)
        {
            Directory.Delete(workDirectory, recursive: true);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
