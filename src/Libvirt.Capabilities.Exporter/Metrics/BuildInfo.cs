using System.Reflection;
using Prometheus;

namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>Version and source revision of this build, as <c>libvirt_capabilities_exporter_build_info</c>.</summary>
public static class BuildInfo
{
    public static readonly string Version =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    public static readonly string Revision =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+').ElementAtOrDefault(1) ?? "unknown";

    public static readonly MetricFamily Family = new(
        "libvirt_capabilities_exporter_build_info", "1, labelled with the exporter's version and source revision.", ["version", "revision"]);

    public static void Register(CollectorRegistry registry) =>
        Prometheus.Metrics.WithCustomRegistry(registry)
            .CreateGauge(Family.Name, Family.Help, [.. Family.LabelNames])
            .WithLabels(Version, Revision)
            .Set(1);
}
