using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// The built exporter as a separate process with the caller's own arguments and configuration file (which the
/// test may rewrite), listening on a free port read from its "Now listening on" line, and able to receive
/// signals. <see cref="ExporterProcess"/> is the fixed-port variant with a generated configuration.
/// Killed on dispose if still running.
/// </summary>
public sealed partial class ConfiguredExporterProcess : IDisposable
{
    private static readonly string Binary = Path.Combine(AppContext.BaseDirectory, "libvirt-capabilities-exporter.dll");

    private readonly ConcurrentQueue<string> output = new();

    public ConfiguredExporterProcess(params string[] args)
    {
        TestEnvironment.Require(File.Exists(Binary), Binary);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Binary);
        start.ArgumentList.Add("--web.listen-address=127.0.0.1:0");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process = Process.Start(start)!;
        Process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        Process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    /// <summary>Everything written to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', output);

    /// <summary>An HTTP client for the exporter once it listens.</summary>
    public async Task<HttpClient> ClientAsync(CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (Listening().Match(Output) is { Success: true } match)
            {
                return new HttpClient { BaseAddress = new Uri(match.Groups[1].Value), Timeout = TimeSpan.FromSeconds(30) };
            }

            Assert.False(Process.HasExited, "the exporter exited:\n" + Output);
            Assert.True(DateTime.UtcNow < deadline, "the exporter did not listen within 60 s:\n" + Output);
            await Task.Delay(100, cancel);
        }
    }

    /// <summary>Sends a signal to the exporter (kill -SIG pid).</summary>
    public void Signal(string signal) =>
        Process.Start("kill", [$"-{signal}", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit(10_000);
        }

        Process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
