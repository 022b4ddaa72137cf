using Prometheus;

namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// Event metrics of collection (counters and histograms), updated as polls happen. State gauges are not
/// here: they are published from snapshots by <see cref="SnapshotPublisher"/>.
/// </summary>
public sealed class HealthMetrics
{
    public static readonly MetricFamily ApiCallDurationFamily = new(
        "libvirt_capabilities_api_call_duration_seconds", "Duration of libvirt API calls made by the poller.", ["target", "api"], "histogram");

    public static readonly MetricFamily ScrapeErrorsFamily = new(
        "libvirt_capabilities_scrape_errors_total",
        "Failed collection steps, by reason (unreachable, read_only, not_supported, parse_error, timeout, libvirt_error, internal).",
        ["target", "reason"],
        "counter");

    public static readonly MetricFamily ChangesFamily = new(
        "libvirt_capabilities_changes_total",
        "Changes detected between polls, by scope (the metric family without libvirt_), change (added, removed, changed) and kind " +
        "(capability: what a VM can use; capacity: memory and page counts that move with hotplug and hugepage reservations).",
        ["target", "scope", "change", "kind"],
        "counter");

    public static readonly MetricFamily StateErrorsFamily = new(
        "libvirt_capabilities_state_errors_total",
        "Failures to load or save a target's persisted snapshot (operation load or save); drift across restarts is lost while they last.",
        ["target", "operation"],
        "counter");

    private readonly Counter stateErrors;
    private readonly Histogram apiCallDuration;
    private readonly Counter changes;
    private readonly Lock gate = new();
    private readonly HashSet<string> removedTargets = new(StringComparer.Ordinal);
    private readonly Counter scrapeErrors;

    public HealthMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        apiCallDuration = factory.CreateHistogram(
            ApiCallDurationFamily.Name,
            ApiCallDurationFamily.Help,
            new HistogramConfiguration
            {
                LabelNames = [.. ApiCallDurationFamily.LabelNames],
                Buckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
            });
        scrapeErrors = factory.CreateCounter(
            ScrapeErrorsFamily.Name,
            ScrapeErrorsFamily.Help,
            new CounterConfiguration { LabelNames = [.. ScrapeErrorsFamily.LabelNames] });
        stateErrors = factory.CreateCounter(
            StateErrorsFamily.Name, StateErrorsFamily.Help, new CounterConfiguration { LabelNames = [.. StateErrorsFamily.LabelNames] });
        changes = factory.CreateCounter(
            ChangesFamily.Name, ChangesFamily.Help, new CounterConfiguration { LabelNames = [.. ChangesFamily.LabelNames] });
    }

    public void CountChange(string target, string scope, string change, string kind) =>
        IfActive(target, () => changes.WithLabels(target, scope, change, kind).Inc());

    public void ObserveApiCall(string target, string api, TimeSpan duration) =>
        IfActive(target, () => apiCallDuration.WithLabels(target, api).Observe(duration.TotalSeconds));

    public void CountStateError(string target, string operation) => IfActive(target, () => stateErrors.WithLabels(target, operation).Inc());

    public void CountError(string target, string reason) => IfActive(target, () => scrapeErrors.WithLabels(target, reason).Inc());

    /// <summary>A target (re-)entered the configuration.</summary>
    public void Revive(string target)
    {
        lock (gate)
        {
            removedTargets.Remove(target);
        }
    }

    /// <summary>
    /// Drops every series of a target that left the configuration, and ignores what a call of that target
    /// still in flight reports later, so no series comes back.
    /// </summary>
    public void RemoveTarget(string target)
    {
        lock (gate)
        {
            removedTargets.Add(target);
            RemoveSeries(target);
        }
    }

    private void IfActive(string target, Action update)
    {
        lock (gate)
        {
            if (!removedTargets.Contains(target))
            {
                update();
            }
        }
    }

    private void RemoveSeries(string target)
    {
        RemoveSeries(apiCallDuration, target);
        RemoveSeries(scrapeErrors, target);
        RemoveSeries(changes, target);
        RemoveSeries(stateErrors, target);
    }

    private static void RemoveSeries<TChild>(Collector<TChild> metric, string target)
        where TChild : ChildBase
    {
        foreach (var labels in metric.GetAllLabelValues().Where(l => l[0] == target).ToList())
        {
            metric.RemoveLabelled(labels);
        }
    }
}
