using System.Diagnostics;
using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// No false drift: polling an unchanged libvirtd repeatedly, with a libvirtd restart in between, reports
/// zero changes, and the poller reconnects by itself.
/// </summary>
public sealed class LibvirtdRestartTests
{
    [Fact]
    public async Task Restarting_libvirtd_reports_no_changes_and_the_poller_reconnects()
    {
        using var probe = Libvirtd.Open(Libvirtd.System);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var changes = new ChangeLog(100);
        var target = new TargetOptions { Name = "local", Uri = Libvirtd.System };
        var settings = new ExporterSettings(new WebOptions(), new PollOptions(), new LibvirtOptions { Targets = [target] }, new StateOptions { Directory = "" });
        using var poller = new TargetPoller(target, new PollingContext(
            settings, new LibvirtConnector(), new SnapshotPublisher(), new HealthMetrics(),
            new TargetStatusBoard(), changes, new StateStore(""), TimeProvider.System, NullLogger.Instance));

        Assert.True(await poller.PollOnceAsync(TestContext.Current.CancellationToken));
        Assert.True(await poller.PollOnceAsync(TestContext.Current.CancellationToken));

        RestartLibvirtd();
        var polled = await poller.PollOnceAsync(TestContext.Current.CancellationToken)
            || await poller.PollOnceAsync(TestContext.Current.CancellationToken); // The first may still see the dropped connection.

        Assert.True(polled);
        Assert.True(changes.Recent().Count == 0, string.Join("\n", changes.Recent().Take(30).Select(c => $"{c.Change} {c.Series} {c.Old} -> {c.New}")));
    }

    private static void RestartLibvirtd()
    {
        Run("pkill", "-x", "libvirtd");
        for (var i = 0; i < 50 && Run("pgrep", "-x", "libvirtd") == 0; i++)
        {
            Thread.Sleep(200);
        }

        Assert.Equal(0, Run("bash", Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "libvirtd-up.sh")));
    }

    private static int Run(string file, params string[] args)
    {
        using var process = Process.Start(file, args);
        process.WaitForExit();
        return process.ExitCode;
    }
}
