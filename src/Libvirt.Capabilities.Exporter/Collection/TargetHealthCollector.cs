using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Polling;

namespace Libvirt.Capabilities.Exporter.Collection;

/// <summary>Health gauges of one target's last poll.</summary>
public static class TargetHealthCollector
{
    public static readonly MetricFamily Up = MetricFamily.Target(
        "libvirt_capabilities_up", "1 if the last poll reached libvirt and read the host capabilities, 0 if not (published capability series are then stale).");

    public static readonly MetricFamily ScrapeDuration = MetricFamily.Target(
        "libvirt_capabilities_scrape_duration_seconds", "Duration of the last full collection from libvirt.");

    public static readonly MetricFamily LastSuccess = MetricFamily.Target(
        "libvirt_capabilities_last_success_timestamp_seconds", "Unix time of the last poll that read the host capabilities.");

    public static readonly MetricFamily StageSuccess = MetricFamily.Target(
        "libvirt_capabilities_collection_success",
        "1 if a collection stage (connect, identity, host, domain) fully succeeded in the last poll, 0 if any step of it failed or it was not reached.", "stage");

    public static readonly MetricFamily Info = MetricFamily.Target(
        "libvirt_capabilities_target_info", "1 for the libvirt daemon behind the target.", "hostname", "libvirt_version", "hypervisor", "hypervisor_version");

    public static readonly MetricFamily LastChange = MetricFamily.Target(
        "libvirt_capabilities_last_change_timestamp_seconds", "Unix time at which a capability change (drift, not capacity) of the target was last detected.");

    public static readonly MetricFamily StaleCombinations = MetricFamily.Target(
        "libvirt_capabilities_stale_combinations",
        "Domain-capabilities combinations published with the data of an earlier poll because their call failed in the last one.");

    public static readonly IReadOnlyList<string> Stages = ["connect", "identity", "host", "domain"];

    /// <summary>Before the first poll ends: the target exists and is not up, so an alert on up == 0 can fire.</summary>
    public static void CollectNotYetPolled(SampleSink sink) => sink.Add(Up, 0);

    /// <param name="lastSuccess">Time of the last successful poll, which may be older than this snapshot.</param>
    /// <param name="lastChange">When drift was last detected, if ever.</param>
    public static void Collect(TargetSnapshot snapshot, DateTimeOffset? lastSuccess, DateTimeOffset? lastChange, SampleSink sink)
    {
        sink.Add(Up, snapshot.Up);
        if (snapshot.Up)
        {
            sink.Add(StaleCombinations, snapshot.CarriedOver.Count);
        }

        sink.Add(ScrapeDuration, snapshot.Duration.TotalSeconds);
        if (lastSuccess is { } success)
        {
            sink.Add(LastSuccess, success.ToUnixTimeMilliseconds() / 1000.0);
        }

        if (lastChange is { } change)
        {
            sink.Add(LastChange, change.ToUnixTimeMilliseconds() / 1000.0);
        }

        foreach (var stage in Stages)
        {
            var reached = stage switch
            {
                "connect" => true,
                "identity" => snapshot.Info is not null,
                _ => snapshot.Up,
            };
            sink.Add(StageSuccess, reached && snapshot.Errors.All(e => e.Stage != stage), stage);
        }

        if (snapshot.Info is { } info)
        {
            sink.Add(Info, 1, info.Hostname, info.LibvirtVersion, info.Hypervisor, info.HypervisorVersion);
        }
    }
}
