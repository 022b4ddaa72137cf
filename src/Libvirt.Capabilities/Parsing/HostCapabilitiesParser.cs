using System.Xml.Linq;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Parsing;

/// <summary>Parses virConnectGetCapabilities XML. Pure: no I/O.</summary>
public static class HostCapabilitiesParser
{
    /// <summary>What the typed model reads (capability.rng); the rest becomes <see cref="OtherFact"/>s.</summary>
    public static readonly DocumentSchema Schema = new DocumentSchema().Known(
        "host/uuid#",
        "host/cpu/arch#", "host/cpu/model#", "host/cpu/vendor#", "host/cpu/microcode@version",
        "host/cpu/signature@family@model@stepping", "host/cpu/counter@name@frequency@scaling",
        "host/cpu/topology@sockets@dies@clusters@cores@threads", "host/cpu/maxphysaddr@mode@bits@limit",
        "host/cpu/feature@name", "host/cpu/pages@unit@size",
        "host/power_management/*", "host/iommu@support",
        "host/migration_features/live", "host/migration_features/uri_transports/uri_transport#",
        "host/topology/cells@num", "host/topology/cells/cell@id", "host/topology/cells/cell/memory#@unit",
        "host/topology/cells/cell/pages#@unit@size", "host/topology/cells/cell/distances/sibling@id@value",
        "host/topology/cells/cell/cpus@num", "host/topology/cells/cell/cpus/cpu@id@socket_id@die_id@cluster_id@core_id@siblings",
        "host/topology/cells/cell/cache@level@associativity@policy", "host/topology/cells/cell/cache/size@value@unit",
        "host/topology/cells/cell/cache/line@value@unit",
        "host/topology/interconnects/latency@initiator@target@cache@type@value",
        "host/topology/interconnects/bandwidth@initiator@target@cache@type@value@unit",
        "host/cache/bank@id@level@type@size@unit@cpus", "host/cache/bank/control@granularity@min@unit@type@maxAllocs",
        "host/cache/monitor@level@reuseThreshold@maxMonitors", "host/cache/monitor/feature@name",
        "host/memory_bandwidth/node@id@cpus", "host/memory_bandwidth/node/control@granularity@min@maxAllocs",
        "host/memory_bandwidth/monitor@maxMonitors", "host/memory_bandwidth/monitor/feature@name",
        "host/energy/monitor@maxMonitors", "host/energy/monitor/feature@name",
        "host/secmodel/model#", "host/secmodel/doi#", "host/secmodel/baselabel#@type",
        "guest/os_type#", "guest/arch@name", "guest/arch/wordsize#", "guest/arch/emulator#", "guest/arch/loader#",
        "guest/arch/machine#@canonical@maxCpus@deprecated", "guest/arch/domain@type", "guest/arch/domain/emulator#",
        "guest/arch/domain/machine#@canonical@maxCpus@deprecated", "guest/features/*@default@toggle");

    public static HostCapabilities Parse(string xml, XmlLimits? limits = null, CancellationToken cancel = default)
    {
        var root = SafeXml.LoadRoot(xml, "capabilities", limits, cancel);
        var host = root.Element("host") ?? throw new CapabilitiesParseException("<capabilities> has no <host>");
        return new HostCapabilities(ParseHost(host), [.. root.Elements("guest").Select(ParseGuest)], Schema.OtherFacts(root));
    }

    private static Host ParseHost(XElement host)
    {
        var migration = host.Element("migration_features");
        return new Host(
            host.ChildText("uuid"),
            ParseCpu(host.Element("cpu")),
            [.. host.Element("power_management")?.Elements().Select(e => e.Name.LocalName) ?? []],
            SafeXml.YesNo(host.Element("iommu")?.Attr("support")),
            migration is null
                ? null
                : new Migration(
                    migration.Element("live") is not null,
                    [.. migration.Element("uri_transports")?.Elements("uri_transport").Select(t => t.Value.Trim()) ?? []]),
            [.. host.Element("topology")?.Element("cells")?.Elements("cell").Select(ParseCell) ?? []],
            [.. host.Element("topology")?.Element("interconnects")?.Elements().Select(ParseInterconnect) ?? []],
            [.. host.Element("cache")?.Elements("bank").Select(ParseBank) ?? []],
            [.. host.Element("memory_bandwidth")?.Elements("node").Select(ParseBandwidthNode) ?? []],
            [.. ParseMonitors(host)],
            [.. host.Elements("secmodel").Select(ParseSecModel)]);
    }

    private static HostCpu ParseCpu(XElement? cpu)
    {
        if (cpu is null)
        {
            return new HostCpu(null, null, null, null, null, [], null, null, [], []);
        }

        var signature = cpu.Element("signature");
        var topology = cpu.Element("topology");
        var maxPhys = cpu.Element("maxphysaddr");
        return new HostCpu(
            cpu.ChildText("arch"),
            cpu.ChildText("model"),
            cpu.ChildText("vendor"),
            cpu.Element("microcode")?.Attr("version"),
            signature is null ? null : new CpuSignature(signature.Attr("family"), signature.Attr("model"), signature.Attr("stepping")),
            [.. cpu.Elements("counter").Select(c => new CpuCounter(c.Attr("name") ?? "", c.ULongAttr("frequency"), SafeXml.YesNo(c.Attr("scaling"))))],
            topology is null
                ? null
                : new CpuTopology(
                    topology.UIntAttr("sockets"),
                    topology.UIntAttr("dies"),
                    topology.UIntAttr("clusters"),
                    topology.UIntAttr("cores"),
                    topology.UIntAttr("threads")),
            maxPhys is null ? null : new MaxPhysAddr(maxPhys.Attr("mode") ?? "", maxPhys.UIntAttr("bits"), maxPhys.UIntAttr("limit")),
            [.. cpu.Elements("feature").Select(f => f.Attr("name") ?? "")],
            [.. cpu.Elements("pages").Select(p => Bytes(p.ULongAttr("size"), p.Attr("unit")) ?? 0)]);
    }

    private static NumaCell ParseCell(XElement cell)
    {
        var memory = cell.Element("memory");
        var cpus = cell.Element("cpus");
        return new NumaCell(
            cell.UIntAttr("id") ?? 0,
            memory is null ? null : Bytes(ulong.TryParse(memory.Value, out var m) ? m : null, memory.Attr("unit")),
            [.. cell.Elements("pages").Select(p => new PageCount(
                Bytes(p.ULongAttr("size"), p.Attr("unit")) ?? 0,
                ulong.TryParse(p.Value, out var count) ? count : 0))],
            cpus?.UIntAttr("num") ?? (uint)(cpus?.Elements("cpu").Count() ?? 0),
            [.. cpus?.Elements("cpu").Select(c => new CellCpu(
                c.UIntAttr("id") ?? 0, c.Attr("socket_id"), c.Attr("die_id"), c.Attr("cluster_id"), c.Attr("core_id"), c.Attr("siblings"))) ?? []],
            [.. cell.Element("distances")?.Elements("sibling").Select(s => new NumaDistance(s.UIntAttr("id") ?? 0, s.UIntAttr("value") ?? 0)) ?? []],
            [.. cell.Elements("cache").Select(c => new NumaCellCache(
                c.UIntAttr("level") ?? 0,
                c.Attr("associativity") ?? "",
                c.Attr("policy") ?? "",
                Bytes(c.Element("size")?.ULongAttr("value"), c.Element("size")?.Attr("unit")),
                Bytes(c.Element("line")?.ULongAttr("value"), c.Element("line")?.Attr("unit"))))]);
    }

    private static CacheBank ParseBank(XElement bank) => new(
        bank.UIntAttr("id") ?? 0,
        bank.UIntAttr("level") ?? 0,
        bank.Attr("type") ?? "",
        Bytes(bank.ULongAttr("size"), bank.Attr("unit")) ?? 0,
        bank.Attr("cpus") ?? "",
        [.. bank.Elements("control").Select(c => new CacheControl(
            c.Attr("type") ?? "",
            Bytes(c.ULongAttr("granularity"), c.Attr("unit")) ?? 0,
            Bytes(c.ULongAttr("min"), c.Attr("unit")),
            c.UIntAttr("maxAllocs")))]);

    private static MemoryBandwidthNode ParseBandwidthNode(XElement node)
    {
        var control = node.Element("control");
        return new MemoryBandwidthNode(
            node.UIntAttr("id") ?? 0, node.Attr("cpus") ?? "", control?.UIntAttr("granularity"), control?.UIntAttr("min"), control?.UIntAttr("maxAllocs"));
    }

    private static IEnumerable<ResourceMonitor> ParseMonitors(XElement host) =>
        new[] { ("cache", host.Element("cache")), ("memory_bandwidth", host.Element("memory_bandwidth")), ("energy", host.Element("energy")) }
            .SelectMany(section => section.Item2?.Elements("monitor").Select(m => new ResourceMonitor(
                section.Item1,
                m.UIntAttr("level"),
                Bytes(m.ULongAttr("reuseThreshold"), "B"),
                m.UIntAttr("maxMonitors") ?? 0,
                [.. m.Elements("feature").Select(f => f.Attr("name") ?? "")])) ?? []);

    // Latency is in nanoseconds; bandwidth is a scaled size per second (KiB unless a unit is given).
    private static NumaInterconnect ParseInterconnect(XElement link)
    {
        var value = link.ULongAttr("value") ?? 0;
        return new NumaInterconnect(
            link.Name.LocalName,
            link.UIntAttr("initiator") ?? 0,
            link.UIntAttr("target") ?? 0,
            link.UIntAttr("cache"),
            link.Attr("type") ?? "",
            link.Name.LocalName == "bandwidth" ? Bytes(value, link.Attr("unit")) ?? 0 : value);
    }

    private static SecurityModel ParseSecModel(XElement secModel) => new(
        secModel.ChildText("model") ?? "",
        secModel.ChildText("doi"),
        [.. secModel.Elements("baselabel").Select(l => new BaseLabel(l.Attr("type") ?? "", l.Value.Trim()))]);

    private static Guest ParseGuest(XElement guest)
    {
        var arch = guest.Element("arch");
        return new Guest(
            guest.ChildText("os_type") ?? "",
            arch?.Attr("name") ?? "",
            arch?.Element("wordsize") is { } w && uint.TryParse(w.Value, out var wordSize) ? wordSize : null,
            arch?.ChildText("emulator"),
            arch?.ChildText("loader"),
            Machines(arch),
            [.. arch?.Elements("domain").Select(d => new GuestDomain(d.Attr("type") ?? "", d.ChildText("emulator"), Machines(d))) ?? []],
            [.. guest.Element("features")?.Elements().Select(f => new GuestFeature(f.Name.LocalName, f.Attr("default"), f.Attr("toggle"))) ?? []]);
    }

    private static List<GuestMachine> Machines(XElement? parent) =>
        [.. parent?.Elements("machine").Select(m => new GuestMachine(
            m.Value.Trim(), m.Attr("canonical"), m.UIntAttr("maxCpus"), SafeXml.YesNo(m.Attr("deprecated")))) ?? []];

    private static ulong? Bytes(ulong? value, string? unit) =>
        value is { } v && Units.TryToBytes(v, unit ?? "KiB", out var bytes) ? (ulong)bytes : null;
}
