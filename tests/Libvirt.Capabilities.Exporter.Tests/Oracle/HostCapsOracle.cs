using System.Globalization;
using System.Xml.Linq;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests.Oracle;

/// <summary>
/// Every host and guest fact of a host-capabilities document, read with XDocument by the rules of
/// docs/metrics.md and libvirt's capability.rng. <c>libvirt_host_info</c> (a UUID some hosts invent at each
/// start) and the fingerprint are not facts: drift never compares them.
/// </summary>
internal static class HostCapsOracle
{
    private static readonly Lazy<RngElements> Schema = new(() =>
        RngElements.Load(Path.Combine(TestEnvironment.RequireCorpus(), "schemas", "capability.rng")));

    public static void Add(OracleFacts facts, XDocument doc)
    {
        var reads = new XmlReads();
        var root = doc.Root!;
        var host = root.Element("host")!;
        if (host.Element("uuid") is { } uuid)
        {
            reads.Text(uuid); // libvirt_host_info, not compared
        }

        AddCpu(facts, reads, host.Element("cpu"));
        foreach (var state in host.Element("power_management")?.Elements() ?? [])
        {
            reads.Presence(state);
            facts.Add("libvirt_host_power_management_supported", 1, [("state", state.Name.LocalName)]);
        }

        if (host.Element("iommu") is { } iommu && reads.Attr(iommu, "support") is { } support)
        {
            facts.Add("libvirt_host_iommu_supported", YesNo(support), []);
        }

        if (host.Element("migration_features") is { } migration)
        {
            var live = migration.Element("live");
            if (live is not null)
            {
                reads.Presence(live);
            }

            facts.Add("libvirt_host_migration_live_supported", live is null ? 0 : 1, []);
            foreach (var transport in migration.Element("uri_transports")?.Elements("uri_transport") ?? [])
            {
                facts.Add("libvirt_host_migration_transport_supported", 1, [("transport", reads.Text(transport))]);
            }
        }

        AddTopology(facts, reads, host.Element("topology"));
        AddResourceControl(facts, reads, host);
        foreach (var secmodel in host.Elements("secmodel"))
        {
            var model = secmodel.Element("model") is { } m ? reads.Text(m) : "";
            facts.Add("libvirt_host_security_model_info", 1, [("model", model)], [("doi", secmodel.Element("doi") is { } doi ? reads.Text(doi) : "")]);
            foreach (var label in secmodel.Elements("baselabel"))
            {
                facts.Add("libvirt_host_security_model_base_label_info", 1, [("model", model), ("virt_type", reads.Attr(label, "type") ?? "")], [("label", reads.Text(label))]);
            }
        }

        foreach (var guest in root.Elements("guest"))
        {
            AddGuest(facts, reads, guest);
        }

        foreach (var (element, attribute, value) in reads.Unread(root, Schema.Value))
        {
            facts.Add("libvirt_host_element_info", 1, [("element", element), ("attribute", attribute), ("value", value)]);
        }
    }

    private static void AddCpu(OracleFacts facts, XmlReads reads, XElement? cpu)
    {
        string Text(string name) => cpu?.Element(name) is { } e ? reads.Text(e) : "";
        string Attr(string element, string name) => cpu?.Element(element) is { } e ? reads.Attr(e, name) ?? "" : "";
        facts.Add("libvirt_host_cpu_info", 1, [], [
            ("arch", Text("arch")), ("model", Text("model")), ("vendor", Text("vendor")), ("microcode", Attr("microcode", "version")),
            ("family", Attr("signature", "family")), ("signature_model", Attr("signature", "model")), ("stepping", Attr("signature", "stepping"))]);
        if (cpu is null)
        {
            return;
        }

        foreach (var feature in cpu.Elements("feature"))
        {
            facts.Add("libvirt_host_cpu_feature", 1, [("feature", reads.Attr(feature, "name")!)]);
        }

        if (cpu.Element("topology") is { } topology)
        {
            foreach (var level in new[] { "sockets", "dies", "clusters", "cores", "threads" })
            {
                if (reads.Attr(topology, level) is { } count)
                {
                    facts.Add("libvirt_host_cpu_topology_" + level, Number(count), []);
                }
            }
        }

        foreach (var counter in cpu.Elements("counter"))
        {
            var name = reads.Attr(counter, "name") ?? "";
            var scaling = reads.Attr(counter, "scaling") ?? "";
            if (reads.Attr(counter, "frequency") is { } frequency)
            {
                facts.Add("libvirt_host_cpu_clock_frequency_hertz", Number(frequency), [("clock", name)], [("scaling", scaling)]);
            }
        }

        if (cpu.Element("maxphysaddr") is { } maxPhys)
        {
            var (bits, limit) = (reads.Attr(maxPhys, "bits"), reads.Attr(maxPhys, "limit"));
            if ((bits ?? limit) is { } width)
            {
                facts.Add("libvirt_host_cpu_physical_address_width", Number(width), [("mode", reads.Attr(maxPhys, "mode")!)]);
            }
        }

        foreach (var pages in cpu.Elements("pages"))
        {
            facts.Add("libvirt_host_page_size_supported", 1, [("size_bytes", Label(ScaledInteger.Bytes(reads.Attr(pages, "size")!, reads.Attr(pages, "unit"), "KiB")))]);
        }
    }

    private static void AddTopology(OracleFacts facts, XmlReads reads, XElement? topology)
    {
        var cellsElement = topology?.Element("cells");
        if (cellsElement is not null)
        {
            reads.Attr(cellsElement, "num"); // the count of <cell> elements says the same
        }

        var cells = cellsElement?.Elements("cell").ToList() ?? [];
        if (cells.Count > 0)
        {
            facts.Add("libvirt_host_numa_cells", cells.Count, []);
        }

        foreach (var cell in cells)
        {
            var id = reads.Attr(cell, "id")!;
            (string, string)[] ofCell = [("cell", id)];
            if (cell.Element("memory") is { } memory)
            {
                facts.Add("libvirt_host_numa_cell_memory_bytes", ScaledInteger.Bytes(reads.Text(memory), reads.Attr(memory, "unit"), "KiB"), ofCell, capacity: true);
            }

            var cpus = cell.Element("cpus");
            var cpuList = cpus?.Elements("cpu").ToList() ?? [];
            facts.Add("libvirt_host_numa_cell_cpus", cpus is not null && reads.Attr(cpus, "num") is { } num ? Number(num) : cpuList.Count, ofCell);
            foreach (var cpu in cpuList)
            {
                facts.Add("libvirt_host_numa_cell_cpu_info", 1, [.. ofCell, ("cpu", reads.Attr(cpu, "id")!)], [
                    ("socket", reads.Attr(cpu, "socket_id") ?? ""), ("die", reads.Attr(cpu, "die_id") ?? ""), ("cluster", reads.Attr(cpu, "cluster_id") ?? ""),
                    ("core", reads.Attr(cpu, "core_id") ?? ""), ("siblings", reads.Attr(cpu, "siblings") ?? "")]);
            }

            foreach (var pages in cell.Elements("pages"))
            {
                var size = Label(ScaledInteger.Bytes(reads.Attr(pages, "size")!, reads.Attr(pages, "unit"), "KiB"));
                facts.Add("libvirt_host_numa_cell_pages", Number(reads.Text(pages)), [.. ofCell, ("size_bytes", size)], capacity: true);
            }

            foreach (var sibling in cell.Element("distances")?.Elements("sibling") ?? [])
            {
                facts.Add("libvirt_host_numa_cell_distance", Number(reads.Attr(sibling, "value")!), [.. ofCell, ("sibling", reads.Attr(sibling, "id")!)]);
            }

            foreach (var cache in cell.Elements("cache"))
            {
                (string, string)[] ofCache = [.. ofCell, ("level", reads.Attr(cache, "level")!), ("associativity", reads.Attr(cache, "associativity")!), ("policy", reads.Attr(cache, "policy")!)];
                foreach (var (element, family) in new[] { ("size", "libvirt_host_numa_cell_cache_size_bytes"), ("line", "libvirt_host_numa_cell_cache_line_bytes") })
                {
                    if (cache.Element(element) is { } size)
                    {
                        facts.Add(family, ScaledInteger.Bytes(reads.Attr(size, "value")!, reads.Attr(size, "unit"), "KiB"), ofCache);
                    }
                }
            }
        }

        // HMAT: latency in nanoseconds, bandwidth in KiB per second unless a unit is given.
        foreach (var link in topology?.Element("interconnects")?.Elements() ?? [])
        {
            (string, string)[] identity = [
                ("initiator_cell", reads.Attr(link, "initiator")!), ("target_cell", reads.Attr(link, "target")!),
                ("cache", reads.Attr(link, "cache") ?? ""), ("type", reads.Attr(link, "type")!)];
            if (link.Name.LocalName == "latency")
            {
                facts.Add("libvirt_host_numa_interconnect_latency_seconds", Number(reads.Attr(link, "value")!) / 1e9, identity);
            }
            else if (link.Name.LocalName == "bandwidth")
            {
                facts.Add("libvirt_host_numa_interconnect_bandwidth_bytes_per_second", ScaledInteger.Bytes(reads.Attr(link, "value")!, reads.Attr(link, "unit"), "KiB"), identity);
            }
        }
    }

    private static void AddResourceControl(OracleFacts facts, XmlReads reads, XElement host)
    {
        foreach (var bank in host.Element("cache")?.Elements("bank") ?? [])
        {
            var (id, level) = (reads.Attr(bank, "id")!, reads.Attr(bank, "level")!);
            var size = ScaledInteger.Bytes(reads.Attr(bank, "size")!, reads.Attr(bank, "unit"), "KiB");
            facts.Add("libvirt_host_cache_bank_size_bytes", size, [("bank", id), ("level", level), ("type", reads.Attr(bank, "type")!)], [("cpus", reads.Attr(bank, "cpus") ?? "")]);
            foreach (var control in bank.Elements("control"))
            {
                (string, string)[] identity = [("bank", id), ("level", level), ("type", reads.Attr(control, "type")!)];
                var unit = reads.Attr(control, "unit");
                facts.Add("libvirt_host_cache_control_granularity_bytes", ScaledInteger.Bytes(reads.Attr(control, "granularity")!, unit, "KiB"), identity);
                if (reads.Attr(control, "min") is { } min)
                {
                    facts.Add("libvirt_host_cache_control_min_bytes", ScaledInteger.Bytes(min, unit, "KiB"), identity);
                }

                if (reads.Attr(control, "maxAllocs") is { } maxAllocs)
                {
                    facts.Add("libvirt_host_cache_control_max_allocations", Number(maxAllocs), identity);
                }
            }
        }

        foreach (var node in host.Element("memory_bandwidth")?.Elements("node") ?? [])
        {
            (string, string)[] identity = [("node", reads.Attr(node, "id")!)];
            facts.Add("libvirt_host_memory_bandwidth_node_info", 1, identity, [("cpus", reads.Attr(node, "cpus") ?? "")]);
            if (node.Element("control") is { } control)
            {
                foreach (var (attribute, family) in new[] { ("granularity", "granularity_percent"), ("min", "min_percent"), ("maxAllocs", "max_allocations") })
                {
                    if (reads.Attr(control, attribute) is { } value)
                    {
                        facts.Add("libvirt_host_memory_bandwidth_" + family, Number(value), identity);
                    }
                }
            }
        }

        foreach (var resource in new[] { "cache", "memory_bandwidth", "energy" })
        {
            foreach (var monitor in host.Element(resource)?.Elements("monitor") ?? [])
            {
                (string, string)[] identity = [("resource", resource), ("level", reads.Attr(monitor, "level") ?? "")];
                facts.Add("libvirt_host_resource_monitor_max_monitors", Number(reads.Attr(monitor, "maxMonitors")!), identity);
                if (reads.Attr(monitor, "reuseThreshold") is { } threshold)
                {
                    facts.Add("libvirt_host_resource_monitor_reuse_threshold_bytes", Number(threshold), identity);
                }

                foreach (var feature in monitor.Elements("feature"))
                {
                    facts.Add("libvirt_host_resource_monitor_feature", 1, [.. identity, ("feature", reads.Attr(feature, "name")!)]);
                }
            }
        }
    }

    /// <summary>Machines listed under the arch carry virt_type="", machines under a domain carry its type.</summary>
    private static void AddGuest(OracleFacts facts, XmlReads reads, XElement guest)
    {
        var osType = reads.Text(guest.Element("os_type")!);
        var arch = guest.Element("arch")!;
        var archName = reads.Attr(arch, "name")!;
        (string, string)[] ofArch = [("os_type", osType), ("arch", archName)];
        var emulator = arch.Element("emulator") is { } e ? reads.Text(e) : "";
        facts.Add("libvirt_guest_arch_info", 1, ofArch, [("wordsize", arch.Element("wordsize") is { } w ? reads.Text(w) : ""), ("emulator", emulator)]);
        if (arch.Element("loader") is { } loader)
        {
            facts.Add("libvirt_guest_loader_info", 1, ofArch, [("loader", reads.Text(loader))]);
        }

        AddMachines(facts, reads, ofArch, "", arch);
        foreach (var domain in arch.Elements("domain"))
        {
            var type = reads.Attr(domain, "type")!;
            var domainEmulator = domain.Element("emulator") is { } de ? reads.Text(de) : emulator;
            facts.Add("libvirt_guest_domain_type_info", 1, [.. ofArch, ("virt_type", type)], [("emulator", domainEmulator)]);
            AddMachines(facts, reads, ofArch, type, domain);
        }

        foreach (var feature in guest.Element("features")?.Elements() ?? [])
        {
            reads.Presence(feature);
            facts.Add("libvirt_guest_feature_info", 1, [.. ofArch, ("feature", feature.Name.LocalName)], [
                ("default", reads.Attr(feature, "default") ?? ""), ("toggle", reads.Attr(feature, "toggle") ?? "")]);
        }
    }

    private static void AddMachines(OracleFacts facts, XmlReads reads, (string, string)[] ofArch, string virtType, XElement parent)
    {
        foreach (var machine in parent.Elements("machine"))
        {
            (string, string)[] identity = [.. ofArch, ("virt_type", virtType), ("machine", reads.Text(machine))];
            facts.Add("libvirt_guest_machine_info", 1, identity, [("canonical", reads.Attr(machine, "canonical") ?? "")]);
            if (reads.Attr(machine, "maxCpus") is { } maxCpus)
            {
                facts.Add("libvirt_guest_machine_max_cpus", Number(maxCpus), identity);
            }

            if (reads.Attr(machine, "deprecated") is { } deprecated)
            {
                facts.Add("libvirt_guest_machine_deprecated", YesNo(deprecated), identity);
            }
        }
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static string Label(double bytes) => ((ulong)bytes).ToString(CultureInfo.InvariantCulture);

    private static double YesNo(string value) => value switch
    {
        "yes" => 1,
        "no" => 0,
        _ => throw new FormatException($"'{value}' is not yes or no"),
    };
}
