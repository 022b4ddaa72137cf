using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection.HostCaps;

/// <summary>
/// The <c>&lt;guest&gt;</c> sections. Machines listed under the arch apply to every domain type and carry
/// virt_type=""; machines listed under a <c>&lt;domain&gt;</c> carry that domain type.
/// </summary>
public static class GuestCollector
{
    public static readonly MetricFamily ArchInfo = MetricFamily.Target(
        "libvirt_guest_arch_info", "1 for each guest OS type and architecture, with word size and emulator.", "os_type", "arch", "wordsize", "emulator").WithValueLabels("wordsize", "emulator");

    public static readonly MetricFamily Loader = MetricFamily.Target(
        "libvirt_guest_loader_info", "1 for the loader of a guest architecture, where libvirt reports one (Xen).", "os_type", "arch", "loader").WithValueLabels("loader");

    public static readonly MetricFamily DomainType = MetricFamily.Target(
        "libvirt_guest_domain_type_info", "1 for each domain type (kvm, qemu, ...) a guest architecture can use, with its emulator.",
        "os_type", "arch", "virt_type", "emulator").WithValueLabels("emulator");

    public static readonly MetricFamily Machine = MetricFamily.Target(
        "libvirt_guest_machine_info", "1 for each machine type; aliases carry the canonical machine they resolve to.",
        "os_type", "arch", "virt_type", "machine", "canonical").WithValueLabels("canonical");

    public static readonly MetricFamily MachineMaxCpus = MetricFamily.Target(
        "libvirt_guest_machine_max_cpus", "Maximum vCPUs of a machine type.", "os_type", "arch", "virt_type", "machine");

    public static readonly MetricFamily MachineDeprecated = MetricFamily.Target(
        "libvirt_guest_machine_deprecated", "1 if the machine type is deprecated, 0 if not; only where libvirt reports it.",
        "os_type", "arch", "virt_type", "machine");

    public static readonly MetricFamily Feature = MetricFamily.Target(
        "libvirt_guest_feature_info", "1 for each guest feature (acpi, apic, pae, disksnapshot, ...), with default and toggle where given.",
        "os_type", "arch", "feature", "default", "toggle").WithValueLabels("default", "toggle");

    public static void Collect(HostCapabilities caps, SampleSink sink)
    {
        foreach (var guest in caps.Guests)
        {
            sink.Add(ArchInfo, 1, guest.OsType, guest.Arch, guest.WordSize is { } wordSize ? LabelValue.Of(wordSize) : null, guest.Emulator);
            if (guest.Loader is not null)
            {
                sink.Add(Loader, 1, guest.OsType, guest.Arch, guest.Loader);
            }

            AddMachines(guest, "", guest.Machines, sink);
            foreach (var domain in guest.Domains)
            {
                sink.Add(DomainType, 1, guest.OsType, guest.Arch, domain.Type, domain.Emulator ?? guest.Emulator);
                AddMachines(guest, domain.Type, domain.Machines, sink);
            }

            foreach (var feature in guest.Features)
            {
                sink.Add(Feature, 1, guest.OsType, guest.Arch, feature.Name, feature.Default, feature.Toggle);
            }
        }
    }

    private static void AddMachines(Guest guest, string virtType, IReadOnlyList<GuestMachine> machines, SampleSink sink)
    {
        foreach (var machine in machines)
        {
            sink.Add(Machine, 1, guest.OsType, guest.Arch, virtType, machine.Name, machine.Canonical);
            sink.AddIfKnown(MachineMaxCpus, machine.MaxCpus, guest.OsType, guest.Arch, virtType, machine.Name);
            if (machine.Deprecated is { } deprecated)
            {
                sink.Add(MachineDeprecated, deprecated, guest.OsType, guest.Arch, virtType, machine.Name);
            }
        }
    }
}
