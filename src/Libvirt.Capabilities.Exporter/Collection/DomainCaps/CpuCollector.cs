using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection.DomainCaps;

/// <summary>The <c>&lt;cpu&gt;</c> section: modes, the host-model CPU and the custom models with their blockers.</summary>
public static class CpuCollector
{
    public static readonly MetricFamily ModeSupported = MetricFamily.DomainCaps(
        "libvirt_domcaps_cpu_mode_supported", "1 if the CPU mode is supported, 0 if not.", "mode");

    public static readonly MetricFamily ModelUsable = MetricFamily.DomainCaps(
        "libvirt_domcaps_cpu_model_usable",
        "Usability of a CPU model of the custom mode: 1 usable, 0 not usable, -1 unknown.",
        "model", "vendor").WithValueLabels("vendor");

    public static readonly MetricFamily ModelBlocker = MetricFamily.DomainCaps(
        "libvirt_domcaps_cpu_model_blocker", "1 for each host CPU feature that keeps a custom CPU model from being usable.", "model", "feature");

    public static readonly MetricFamily ModelDeprecated = MetricFamily.DomainCaps(
        "libvirt_domcaps_cpu_model_deprecated", "1 if the CPU model is deprecated, 0 if not; only where libvirt reports it.", "model");

    public static readonly MetricFamily ModelAlias = MetricFamily.DomainCaps(
        "libvirt_domcaps_cpu_model_canonical_info", "1 for a CPU model that is an alias of a canonical (versioned) model.", "model", "canonical").WithValueLabels("canonical");

    public static readonly MetricFamily HostModelInfo = MetricFamily.DomainCaps(
        "libvirt_domcaps_host_model_info", "1 for the CPU model that mode host-model expands to.", "model", "vendor", "fallback").WithValueLabels("model", "vendor", "fallback");

    public static readonly MetricFamily HostModelFeature = MetricFamily.DomainCaps(
        "libvirt_domcaps_host_model_feature", "1 for each feature of the host-model CPU, with its policy.", "feature", "policy").WithValueLabels("policy");

    public static readonly MetricFamily HostModelMaxPhysAddr = MetricFamily.DomainCaps(
        "libvirt_domcaps_host_model_physical_address_width",
        "Physical address width of the host-model CPU, in bits (the limit, or the fixed width), by maxphysaddr mode.", "mode");

    public static void Collect(DomainCapabilities caps, SampleSink sink)
    {
        var cpu = caps.Cpu;
        foreach (var mode in cpu.Modes)
        {
            sink.Add(ModeSupported, mode.Supported, mode.Name);
        }

        if (cpu.HostModel is { } hostModel)
        {
            sink.Add(HostModelInfo, 1, hostModel.Model, hostModel.Vendor, hostModel.Fallback);
            foreach (var feature in hostModel.Features)
            {
                sink.Add(HostModelFeature, 1, feature.Name, feature.Policy);
            }

            if (hostModel.MaxPhysAddr is { } maxPhys)
            {
                sink.AddIfKnown(HostModelMaxPhysAddr, maxPhys.Limit ?? maxPhys.Bits, maxPhys.Mode);
            }
        }

        foreach (var model in cpu.CustomModels)
        {
            sink.Add(ModelUsable, Usability(model.Usable), model.Name, model.Vendor);
            foreach (var blocker in model.Blockers)
            {
                sink.Add(ModelBlocker, 1, model.Name, blocker);
            }

            if (model.Deprecated is { } deprecated)
            {
                sink.Add(ModelDeprecated, deprecated, model.Name);
            }

            if (model.Canonical is not null)
            {
                sink.Add(ModelAlias, 1, model.Name, model.Canonical);
            }
        }
    }

    private static double Usability(CpuModelUsability usable) => usable switch
    {
        CpuModelUsability.Yes => 1,
        CpuModelUsability.No => 0,
        _ => -1,
    };
}
