using System.Diagnostics;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// Issue 6, section 6: faults of a real libvirtd while the real exporter polls it beside <c>qemu:///system</c>.
/// The broken daemon is a private one (<see cref="PrivateLibvirtd"/>); the shared one is never touched.
/// </summary>
public sealed class DaemonFaultTests
{
    private const int ExporterPort = 19123;
    private const int TcpPort = 16524;
    private const int TlsPort = 16525;
    private const string Good = "good";
    private const string Faulty = "faulty";

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>"Up again within two intervals", plus scrape resolution and one poll of a few hundred milliseconds.</summary>
    private static readonly TimeSpan RecoveryBound = (2 * Interval) + TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Sigkill_and_restart_is_down_then_up_within_two_intervals_without_drift()
    {
        using var daemon = new PrivateLibvirtd(TcpPort, TlsPort);
        using var exporter = await StartExporterAsync(daemon.TcpUri);
        var before = await PolledTwiceAsync(exporter);
        var goodSuccesses = new HashSet<double?>();

        daemon.Signal("KILL");
        var down = await exporter.WaitForAsync("down after SIGKILL", m => Track(m, goodSuccesses).Up(Faulty) == 0, Interval + Timeout + TimeSpan.FromSeconds(5));
        Assert.NotNull(down.Up(Good));

        daemon.Start();
        var recovery = Stopwatch.StartNew();
        var up = await exporter.WaitForAsync("up again after the restart", m => Track(m, goodSuccesses).Up(Faulty) == 1, TimeSpan.FromSeconds(30));
        recovery.Stop();
        Report($"SIGKILL: up again {recovery.Elapsed.TotalSeconds:0.0} s after the restart (interval {Interval.TotalSeconds} s)");

        Assert.True(recovery.Elapsed <= RecoveryBound, $"up again only after {recovery.Elapsed.TotalSeconds:0.0} s");
        AssertNoDriftNorStaleSeries(before, up);
        Assert.True(goodSuccesses.Count >= 2, "the good target stopped polling while the other was down");
        Assert.Equal(1, up.Up(Good));
    }

    [Fact]
    public async Task Sigstop_times_out_at_the_configured_timeout_while_the_other_target_and_metrics_carry_on()
    {
        using var daemon = new PrivateLibvirtd(TcpPort, TlsPort);
        using var exporter = await StartExporterAsync(daemon.TcpUri);
        var before = await PolledTwiceAsync(exporter);
        var healthy = new List<TimeSpan>();
        for (var i = 0; i < 30; i++)
        {
            healthy.Add((await exporter.ScrapeAsync()).Elapsed);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var goodSuccesses = new HashSet<double?>();
        var stopped = new List<TimeSpan>();
        var timeoutsBefore = (await exporter.ScrapeAsync()).Metrics.Errors(Faulty, "timeout");
        daemon.Signal("STOP");
        try
        {
            var sinceStop = Stopwatch.StartNew();
            var first = await exporter.WaitForAsync("a timeout after SIGSTOP", m => Track(m, goodSuccesses).Errors(Faulty, "timeout") > timeoutsBefore, TimeSpan.FromSeconds(30), stopped);
            var firstTimeout = sinceStop.Elapsed;
            var (threads, descriptors) = (exporter.Threads, exporter.Descriptors);
            var later = await exporter.WaitForAsync("four more timeouts", m => Track(m, goodSuccesses).Errors(Faulty, "timeout") >= first.Errors(Faulty, "timeout") + 4, TimeSpan.FromSeconds(60), stopped);
            var (threadsAfter, descriptorsAfter) = (exporter.Threads, exporter.Descriptors);
            // The poll that waited for the stopped daemon; later ones may report the still-blocked call at once.
            var duration = first.Value($"libvirt_capabilities_scrape_duration_seconds{{target=\"{Faulty}\"}}");
            Report($"SIGSTOP: first timeout seen {firstTimeout.TotalSeconds:0.0} s after the stop, that poll took {duration:0.00} s (timeout {Timeout.TotalSeconds} s); "
                + $"healthy {Latency.Describe(healthy)}; stopped {Latency.Describe(stopped)}; threads {threads} -> {threadsAfter}, fds {descriptors} -> {descriptorsAfter}");

            // The call gives up at the configured timeout: not earlier, not much later.
            Assert.InRange(duration ?? 0, Timeout.TotalSeconds * 0.9, Timeout.TotalSeconds + 1.5);
            Assert.True(firstTimeout <= (Interval * 1.1) + Timeout + TimeSpan.FromSeconds(2), $"first timeout only after {firstTimeout.TotalSeconds:0.0} s");
            Assert.Equal(0, later.Up(Faulty));
            Assert.Equal(before.CapabilitySeries(Faulty).Order(), later.CapabilitySeries(Faulty).Order());
            Assert.True(goodSuccesses.Count >= 3, $"the good target polled only {goodSuccesses.Count} times while the other was stopped");
            Assert.Equal(1, later.Up(Good));
            Assert.True(Latency.P99(stopped) < Latency.Generous, Latency.Describe(stopped));
            Assert.True(threadsAfter - threads <= 3 && descriptorsAfter - descriptors <= 4, $"threads {threads} -> {threadsAfter}, fds {descriptors} -> {descriptorsAfter} over four timed-out polls");
        }
        finally
        {
            daemon.Signal("CONT");
        }

        var up = await exporter.WaitForAsync("up again after SIGCONT", m => m.Up(Faulty) == 1, TimeSpan.FromSeconds(30));
        AssertNoDriftNorStaleSeries(before, up);
    }

    [Fact]
    public async Task Socket_removed_then_recreated_reconnects_without_drift()
    {
        using var daemon = new PrivateLibvirtd(TcpPort, TlsPort);
        using var exporter = await StartExporterAsync(daemon.UnixUri);
        var before = await PolledTwiceAsync(exporter);

        // Removing the socket file leaves the open connection working; report what the exporter does meanwhile.
        File.Delete(daemon.UnixSocket);
        var meanwhile = await PolledTwiceAsync(exporter);
        Report($"socket removed, daemon running: up {meanwhile.Up(Faulty)}");

        // Without the daemon and its socket, a new connection is refused: down, unreachable.
        daemon.Signal("KILL");
        var down = await exporter.WaitForAsync(
            "down and unreachable without the socket",
            m => m.Up(Faulty) == 0 && m.Errors(Faulty, "unreachable") >= 1,
            Interval + Timeout + TimeSpan.FromSeconds(10));
        Assert.False(File.Exists(daemon.UnixSocket));
        Assert.Equal(1, down.Up(Good));

        daemon.Start(); // Recreates the socket.
        var recovery = Stopwatch.StartNew();
        var up = await exporter.WaitForAsync("up again on the recreated socket", m => m.Up(Faulty) == 1, TimeSpan.FromSeconds(30));
        recovery.Stop();
        Report($"socket recreated: up again {recovery.Elapsed.TotalSeconds:0.0} s later");

        Assert.True(recovery.Elapsed <= RecoveryBound, $"up again only after {recovery.Elapsed.TotalSeconds:0.0} s");
        AssertNoDriftNorStaleSeries(before, up);
    }

    private static async Task<ExporterProcess> StartExporterAsync(string faultyUri) =>
        await ExporterProcess.StartAsync(
            ExporterPort,
            [(Good, Libvirtd.System), (Faulty, faultyUri)],
            $"--poll.interval={Interval.TotalSeconds}s", $"--poll.timeout={Timeout.TotalSeconds}s",
            "--Libvirt:Machines:IncludeArch:0=x86_64");

    /// <summary>Waits until both targets are up and the faulty one completed two more polls.</summary>
    private static async Task<MetricsText> PolledTwiceAsync(ExporterProcess exporter)
    {
        var successes = new HashSet<double?>();
        return await exporter.WaitForAsync(
            "both targets up, two polls of the faulty one",
            m =>
            {
                if (m.Up(Faulty) == 1)
                {
                    successes.Add(m.LastSuccess(Faulty));
                }

                return m.Up(Good) == 1 && successes.Count >= 3;
            },
            TimeSpan.FromSeconds(90));
    }

    private static MetricsText Track(MetricsText metrics, HashSet<double?> goodSuccesses)
    {
        goodSuccesses.Add(metrics.LastSuccess(Good));
        return metrics;
    }

    /// <summary>The same daemon after a fault: no change counted, and exactly the series it had before (none missing, none stale).</summary>
    private static void AssertNoDriftNorStaleSeries(MetricsText before, MetricsText after)
    {
        Assert.Equal(before.Changes(Faulty), after.Changes(Faulty));
        Assert.NotEmpty(before.CapabilitySeries(Faulty));
        Assert.Equal(before.CapabilitySeries(Faulty).Order(), after.CapabilitySeries(Faulty).Order());
    }

    private static void Report(string figures)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        Console.WriteLine(figures);
    }
}
