using Prometheus;

namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// Event metrics of collection (counters and histograms), updated as polls happen. State gauges are not
/// here: they are published from snapshots by <see cref="SnapshotPublisher"/>.
/// <para>
/// Each target has a prometheus-net registry of its own: a poll changes only its own target's series, so a
/// rendering serializes that target's registry and reuses the bytes of the others. (With one registry for all
/// targets, every rendering serialized every target's histograms: work that grew with the square of the number
/// of targets.) Every family keeps its label names, the target first, so the exposition is the same.
/// </para>
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

    private readonly Lock gate = new();
    private readonly SortedDictionary<string, TargetMetrics> targets = new(StringComparer.Ordinal);
    private readonly HashSet<string> removedTargets = new(StringComparer.Ordinal);
    private long lastVersion;

    /// <summary>The four families without any series: their HELP and TYPE, in the order they are served, also before any target reported.</summary>
    public CollectorRegistry Families { get; } = new TargetMetrics().Registry;

    public void CountChange(string target, string scope, string change, string kind) =>
        Update(target, m => m.Changes.WithLabels(target, scope, change, kind).Inc());

    public void ObserveApiCall(string target, string api, TimeSpan duration) =>
        Update(target, m => m.ApiCallDuration.WithLabels(target, api).Observe(duration.TotalSeconds));

    public void CountStateError(string target, string operation) => Update(target, m => m.StateErrors.WithLabels(target, operation).Inc());

    public void CountError(string target, string reason) => Update(target, m => m.ScrapeErrors.WithLabels(target, reason).Inc());

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
            targets.Remove(target);
        }
    }

    /// <summary>
    /// Each target's registry, ordered by target, with a version that every update of it raises (never reused, also
    /// when a removed target comes back): a registry whose version did not change serializes to the same bytes.
    /// </summary>
    public IReadOnlyList<TargetRegistry> Registries()
    {
        lock (gate)
        {
            return [.. targets.Select(t => new TargetRegistry(t.Key, t.Value.Registry, t.Value.Version))];
        }
    }

    private void Update(string target, Action<TargetMetrics> update)
    {
        lock (gate)
        {
            if (removedTargets.Contains(target))
            {
                return;
            }

            if (!targets.TryGetValue(target, out var metrics))
            {
                targets[target] = metrics = new TargetMetrics();
            }

            update(metrics);
            metrics.Version = ++lastVersion;
        }
    }

    /// <summary>One target's registry as the renderer sees it.</summary>
    public readonly record struct TargetRegistry(string Target, CollectorRegistry Registry, long Version);

    private sealed class TargetMetrics
    {
        public TargetMetrics()
        {
            var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
            ApiCallDuration = factory.CreateHistogram(
                ApiCallDurationFamily.Name,
                ApiCallDurationFamily.Help,
                new HistogramConfiguration
                {
                    LabelNames = [.. ApiCallDurationFamily.LabelNames],
                    Buckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
                });
            ScrapeErrors = factory.CreateCounter(
                ScrapeErrorsFamily.Name,
                ScrapeErrorsFamily.Help,
                new CounterConfiguration { LabelNames = [.. ScrapeErrorsFamily.LabelNames] });
            StateErrors = factory.CreateCounter(
                StateErrorsFamily.Name, StateErrorsFamily.Help, new CounterConfiguration { LabelNames = [.. StateErrorsFamily.LabelNames] });
            Changes = factory.CreateCounter(
                ChangesFamily.Name, ChangesFamily.Help, new CounterConfiguration { LabelNames = [.. ChangesFamily.LabelNames] });
        }

        public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

        public Histogram ApiCallDuration { get; }

        public Counter ScrapeErrors { get; }

        public Counter StateErrors { get; }

        public Counter Changes { get; }

        public long Version { get; set; }
    }
}
