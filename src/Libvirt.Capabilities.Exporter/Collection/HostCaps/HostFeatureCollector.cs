using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection.HostCaps;

/// <summary>Host-wide facts: identity, power management, IOMMU, migration and security models.</summary>
public static class HostFeatureCollector
{
    public static readonly MetricFamily Info = MetricFamily.Target("libvirt_host_info", "1 for the host, with its UUID.", "uuid").NotDrift();

    public static readonly MetricFamily PowerManagement = MetricFamily.Target(
        "libvirt_host_power_management_supported", "1 for each host power-management state (suspend_mem, suspend_disk, ...).", "state");

    public static readonly MetricFamily Iommu = MetricFamily.Target(
        "libvirt_host_iommu_supported", "1 if the host has a usable IOMMU, 0 if not.");

    public static readonly MetricFamily MigrationLive = MetricFamily.Target(
        "libvirt_host_migration_live_supported", "1 if live migration is supported, 0 if not.");

    public static readonly MetricFamily MigrationTransport = MetricFamily.Target(
        "libvirt_host_migration_transport_supported", "1 for each migration URI transport (tcp, rdma, ...).", "transport");

    public static readonly MetricFamily SecurityModel = MetricFamily.Target(
        "libvirt_host_security_model_info", "1 for each security model (selinux, apparmor, dac).", "model", "doi").WithValueLabels("doi");

    public static readonly MetricFamily SecurityBaseLabel = MetricFamily.Target(
        "libvirt_host_security_model_base_label_info", "1 for the base label a domain type starts with under a security model.", "model", "virt_type", "label").WithValueLabels("label");

    public static void Collect(HostCapabilities caps, SampleSink sink)
    {
        var host = caps.Host;
        sink.Add(Info, 1, host.Uuid);
        foreach (var state in host.PowerManagement)
        {
            sink.Add(PowerManagement, 1, state);
        }

        if (host.Iommu is { } iommu)
        {
            sink.Add(Iommu, iommu);
        }

        if (host.Migration is { } migration)
        {
            sink.Add(MigrationLive, migration.Live);
            foreach (var transport in migration.UriTransports)
            {
                sink.Add(MigrationTransport, 1, transport);
            }
        }

        foreach (var model in host.SecurityModels)
        {
            sink.Add(SecurityModel, 1, model.Model, model.Doi);
            foreach (var label in model.BaseLabels)
            {
                sink.Add(SecurityBaseLabel, 1, model.Model, label.VirtType, label.Label);
            }
        }
    }
}
