using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Libvirt.Capabilities.Exporter.Tests.Fakes;

/// <summary>
/// A real <see cref="TargetPoller"/> on a <see cref="PollerHarness"/>'s publisher, registry, board and state
/// directory, with settings, clock, logger and libvirt of the test's choosing. The caller disposes it.
/// </summary>
public static class PollerFactory
{
    public static TargetPoller Create(
        PollerHarness harness,
        TargetOptions target,
        PollOptions? poll = null,
        MachineSelection? machines = null,
        TimeProvider? time = null,
        ILogger? logger = null,
        ILibvirtConnector? libvirt = null)
    {
        var settings = new ExporterSettings(
            new WebOptions(),
            poll ?? new PollOptions(),
            new LibvirtOptions { Targets = [target], Machines = machines ?? new MachineSelection() },
            new StateOptions { Directory = harness.StateDirectory });
        return new TargetPoller(target, new PollingContext(
            settings, libvirt ?? harness.Libvirt, harness.Publisher, harness.Health, harness.Board, harness.Changes,
            new StateStore(harness.StateDirectory), time ?? harness.Time, logger ?? NullLogger.Instance));
    }
}
