using System.Diagnostics;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>The real exporter process: SIGTERM stops it cleanly, and a restart reports no false drift.</summary>
public sealed class ProcessLifecycleTests
{
    private static readonly string Binary = Path.Combine(AppContext.BaseDirectory, "libvirt-capabilities-exporter.dll");

    [Fact]
    public async Task Sigterm_persists_state_and_exits_0_within_seconds_and_a_restart_sees_no_drift()
    {
        using var probe = Libvirtd.Open(Libvirtd.TestDriver);
        var state = Directory.CreateTempSubdirectory("lce-proc-").FullName;

        for (var run = 0; run < 2; run++)
        {
            using var process = Start("--web.listen-address=127.0.0.1:0", "--libvirt.uri", Libvirtd.TestDriver, "--state.directory", state);
            var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
            process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
            process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Directory.GetFiles(state, "*.json").Length == 0 || (run == 1 && !output.Any(l => l.Contains("Loaded the persisted snapshot", StringComparison.Ordinal))))
            {
                Assert.True(DateTime.UtcNow < deadline, "no poll completed:\n" + string.Join('\n', output));
                Assert.False(process.HasExited, "exited early:\n" + string.Join('\n', output));
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }

            await Task.Delay(1000, TestContext.Current.CancellationToken); // Let the first poll after loading finish.
            var stopwatch = Stopwatch.StartNew();
            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            Assert.True(process.WaitForExit(10_000), "did not exit within 10 s of SIGTERM");
            Assert.Equal(0, process.ExitCode);
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10));
            Assert.DoesNotContain(output, l => l.Contains("Capability change", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Bad_configuration_exits_2_before_serving()
    {
        using var process = Start("--poll.interval=-1s");
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000));
        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("error: invalid configuration: ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("render --uri test:///default")]
    [InlineData("--libvirt.uri test:///default")]
    public void Missing_libvirt_library_is_one_line_naming_the_package(string arguments)
    {
        TestEnvironment.Require(File.Exists(Binary), Binary);

        // A private mount namespace hides libvirt.so.0 from this process only.
        var script = $"lib=$(readlink -f /usr/lib/x86_64-linux-gnu/libvirt.so.0) && mount --bind /dev/null \"$lib\" && exec dotnet '{Binary}' {arguments}";
        var start = new ProcessStartInfo("unshare", ["--mount", "bash", "-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));
        TestEnvironment.Require(!stderr.Contains("unshare:", StringComparison.Ordinal) && !stderr.Contains("mount:", StringComparison.Ordinal), "a private mount namespace (unshare --mount, as root)");

        Assert.Equal(1, process.ExitCode);
        Assert.Equal("", stdout);
        Assert.Equal(
            "error: libvirt.so.0 could not be loaded: install the libvirt client library (Debian/Ubuntu: apt-get install libvirt0; Fedora/RHEL: dnf install libvirt-libs)",
            stderr.Trim());
    }

    private static Process Start(params string[] args)
    {
        TestEnvironment.Require(File.Exists(Binary), Binary);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Binary);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}
