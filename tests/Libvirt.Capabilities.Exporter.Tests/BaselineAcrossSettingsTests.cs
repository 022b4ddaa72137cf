using Libvirt.Capabilities.Exporter.Collection;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// The persisted drift baseline survives a restart with settings that do not change what is collected
/// (interval, timeout, backoff, jitter, credentials, change history): a capability changed while the exporter
/// was down is still reported. Settings that change what is collected start a new baseline instead.
/// </summary>
public sealed class BaselineAcrossSettingsTests : IDisposable
{
    private readonly PollerHarness before = new();

    public void Dispose() => before.Dispose();

    public static TheoryData<string> PollingOnlyChanges() => ["interval", "timeout", "credentials", "poll", "state"];

    [Theory]
    [MemberData(nameof(PollingOnlyChanges))]
    public async Task A_change_made_while_down_is_reported_after_a_restart_with_other_polling_settings(string change)
    {
        await Poll(before, Settings(before.StateDirectory, Target()));

        var password = Path.Combine(before.StateDirectory, "..", Path.GetRandomFileName());
        await File.WriteAllTextAsync(password, "secret\n", TestContext.Current.CancellationToken);
        var target = Target();
        var settings = Settings(before.StateDirectory, target);
        switch (change)
        {
            case "interval":
                target.Interval = TimeSpan.FromMinutes(7);
                break;
            case "timeout":
                target.Timeout = TimeSpan.FromSeconds(9);
                break;
            case "credentials":
                (target.Uri, target.Username, target.PasswordFile) = ("qemu+tcp://exporter@recorded/system", "exporter", password);
                break;
            case "poll":
                settings = settings with { Poll = new PollOptions { Jitter = 0.4, BackoffInitial = TimeSpan.FromSeconds(1), BackoffMax = TimeSpan.FromMinutes(1) } };
                break;
            case "state":
                settings = settings with { State = new StateOptions { Directory = before.StateDirectory, ChangeHistory = 3 } };
                break;
        }

        var changes = await RestartWithBackupWithdrawn(settings, target);

        Assert.NotEmpty(changes);
        Assert.All(changes, c => Assert.Equal(("domcaps_feature_supported", "changed", "backup"), (c.Scope, c.Change, c.Labels["feature"])));
    }

    [Fact]
    public async Task Switching_a_collector_off_starts_a_new_baseline_instead_of_reporting_removals()
    {
        await Poll(before, Settings(before.StateDirectory, Target()));
        var target = Target();
        var settings = Settings(before.StateDirectory, target) with
        {
            Collectors = new CollectorSwitches(new Dictionary<string, bool> { ["domcaps_enums"] = false }),
        };

        Assert.NotEqual(Settings(before.StateDirectory, target).CollectionSignatureOf(target), settings.CollectionSignatureOf(target));
        Assert.Empty(await RestartWithBackupWithdrawn(settings, target));
    }

    private async Task<IReadOnlyList<CapabilityChange>> RestartWithBackupWithdrawn(ExporterSettings settings, TargetOptions target)
    {
        using var after = new PollerHarness(before.StateDirectory);
        after.Libvirt.DomainCapsXml = (_, arch, _, _) => arch is "x86_64" or "i686"
            ? RecordedLibvirt.Fixture("domcaps-x86_64-kvm-q35.xml").Replace("<backup supported='yes'/>", "<backup supported='no'/>", StringComparison.Ordinal)
            : RecordedLibvirt.Fixture("domcaps-aarch64-qemu-virt.xml");
        await Poll(after, settings, target);
        return after.Changes.Recent();
    }

    private static TargetOptions Target() => new() { Name = "t1", Uri = "qemu+tcp://recorded/system" };

    private static ExporterSettings Settings(string stateDirectory, TargetOptions target) =>
        new(new WebOptions(), new PollOptions(), new LibvirtOptions { Targets = [target] }, new StateOptions { Directory = stateDirectory });

    private static async Task Poll(PollerHarness harness, ExporterSettings settings, TargetOptions? target = null)
    {
        using var poller = new TargetPoller(
            target ?? settings.Libvirt.Targets[0],
            new PollingContext(settings, harness.Libvirt, harness.Publisher, harness.Health, harness.Board, harness.Changes,
                new StateStore(harness.StateDirectory), harness.Time, NullLogger.Instance));
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
    }
}
