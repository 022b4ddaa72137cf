using Libvirt.Capabilities.Exporter.Metrics;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>The <c>libvirt_fleet_*</c> families and the samples of one group's report. Pure.</summary>
public static class FleetSamples
{
    public static readonly MetricFamily HostModelCompatible = new(
        "libvirt_fleet_host_model_compatible",
        "Can guests with the host-model CPU of the source CPU class run on the destination class (virConnectCompareHypervisorCPU on the destination): 1 compatible, 0 incompatible (also when the destination offers no guests of the source's arch), -1 unknown (also while no target of the destination class is up).",
        ["group", "source", "destination"]);

    public static readonly MetricFamily HostModelBlocker = new(
        "libvirt_fleet_host_model_blocker",
        "1 for each CPU feature the destination's libvirt names as blocking the source class's host-model CPU.",
        ["group", "source", "destination", "feature"]);

    public static readonly MetricFamily CpuClassInfo = new(
        "libvirt_fleet_cpu_class_info",
        "1 for the CPU class of a target: targets with the same host-model CPU, libvirt and hypervisor versions share one.",
        ["group", "class", "target"]);

    public static readonly MetricFamily Hosts = new(
        "libvirt_fleet_hosts", "Number of targets of the group whose host CPU is of the arch, from their last complete poll: the hosts guests of that arch migrate between.", ["group", "arch"]);

    public static readonly MetricFamily CpuModelUsableHosts = new(
        "libvirt_fleet_cpu_model_usable_hosts",
        "Number of targets of the group with a host CPU of the arch on which the CPU model (the name libvirt reports, as in libvirt_domcaps_cpu_model_usable) is usable, for virt type kvm where offered, else qemu.",
        ["group", "arch", "model"]);

    public static readonly MetricFamily CpuModelDeprecatedHosts = new(
        "libvirt_fleet_cpu_model_deprecated_hosts",
        "Number of targets of the group on which the CPU model is marked deprecated; only for models some target marks.",
        ["group", "arch", "model"]);

    public static readonly MetricFamily MachineTypeHosts = new(
        "libvirt_fleet_machine_type_hosts", "Number of targets of the group with a host CPU of the arch that offer the machine type (name or alias) for it.", ["group", "arch", "machine"]);

    public static readonly MetricFamily BaselineCpuInfo = new(
        "libvirt_fleet_baseline_cpu_info",
        "1 for the baseline CPU of the group (virConnectBaselineHypervisorCPU over its CPU classes on the member with the oldest libvirt and QEMU).",
        ["group", "arch", "model", "vendor"]);

    public static readonly MetricFamily BaselineCpuFeature = new(
        "libvirt_fleet_baseline_cpu_feature", "1 for each feature of the group's baseline CPU, with its policy.", ["group", "arch", "feature", "policy"]);

    public static readonly MetricFamily BaselineCpuCompatible = new(
        "libvirt_fleet_baseline_cpu_compatible",
        "Can the target run the group's baseline CPU of its host arch (virConnectCompareHypervisorCPU): 1 compatible, 0 incompatible, -1 unknown (also while the target is down).",
        ["group", "arch", "target"]);

    public static List<Sample> For(GroupReport group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var samples = new List<Sample>();
        var sink = new SampleSink(samples, group.Group);
        foreach (var cpuClass in group.Classes)
        {
            foreach (var target in cpuClass.Targets)
            {
                sink.Add(CpuClassInfo, 1, cpuClass.Id, target);
            }
        }

        foreach (var pair in group.Pairs)
        {
            sink.Add(HostModelCompatible, pair.Verdict.Value, pair.Source, pair.Destination);
            foreach (var feature in pair.Verdict.Blockers)
            {
                sink.Add(HostModelBlocker, 1, pair.Source, pair.Destination, feature);
            }
        }

        foreach (var baseline in group.Baselines)
        {
            if (baseline.Xml is not null)
            {
                sink.Add(BaselineCpuInfo, 1, baseline.Arch, baseline.Model, baseline.Vendor);
                foreach (var feature in baseline.Features)
                {
                    sink.Add(BaselineCpuFeature, 1, baseline.Arch, feature.Name, feature.Policy);
                }
            }

            foreach (var check in baseline.Targets)
            {
                sink.Add(BaselineCpuCompatible, check.Verdict.Value, baseline.Arch, check.Target);
            }
        }

        foreach (var hosts in group.Inventory.Hosts)
        {
            sink.Add(Hosts, hosts.Hosts, hosts.Arch);
        }

        foreach (var model in group.Inventory.CpuModels)
        {
            sink.Add(CpuModelUsableHosts, model.UsableHosts, model.Arch, model.Model);
            if (model.DeprecatedHosts > 0)
            {
                sink.Add(CpuModelDeprecatedHosts, model.DeprecatedHosts, model.Arch, model.Model);
            }
        }

        foreach (var machine in group.Inventory.MachineTypes)
        {
            sink.Add(MachineTypeHosts, machine.Hosts, machine.Arch, machine.Machine);
        }

        return samples;
    }
}
