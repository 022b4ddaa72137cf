using System.Globalization;
using System.Xml.Linq;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Parsing;

/// <summary>
/// Parses virConnectGetDomainCapabilities XML. Pure: no I/O. Known sections get typed records; every
/// element with a <c>supported</c> attribute and every enum, wherever it is, is kept generically.
/// </summary>
public static class DomainCapabilitiesParser
{
    /// <summary>What the typed model reads (domaincaps.rng); the rest becomes <see cref="OtherFact"/>s.</summary>
    public static readonly DocumentSchema Schema = new DocumentSchema()
        .Known(
            "path#", "domain#", "machine#", "arch#", "vcpu@max",
            "cpu/mode@name@supported", "cpu/mode/enum@name", "cpu/mode/enum/value#",
            "cpu/mode/model#@fallback@usable@vendor@canonical@deprecated", "cpu/mode/vendor#",
            "cpu/mode/maxphysaddr@mode@bits@limit", "cpu/mode/feature@policy@name",
            "cpu/mode/blockers@model", "cpu/mode/blockers/feature@name")
        .Generic("*", DocumentSchema.NodeKind.SupportFlags)
        .Generic("features/*", DocumentSchema.NodeKind.Details);

    public static DomainCapabilities Parse(string xml, XmlLimits? limits = null, CancellationToken cancel = default)
    {
        var root = SafeXml.LoadRoot(xml, "domainCapabilities", limits, cancel);
        var flags = new List<SupportFlag>();
        var enums = new List<CapabilityEnum>();
        var cpu = CpuCapabilities.Empty;
        var features = new List<DomainFeature>();

        foreach (var child in root.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "cpu":
                    cpu = ParseCpu(child, enums);
                    break;
                case "features":
                    foreach (var feature in child.Elements())
                    {
                        features.Add(ParseFeature(feature, enums));
                    }

                    break;
                default:
                    CollectGeneric(child, child.Name.LocalName, flags, enums);
                    break;
            }
        }

        return new DomainCapabilities(
            root.ChildText("path"),
            root.ChildText("domain") ?? throw new CapabilitiesParseException("<domainCapabilities> has no <domain>"),
            root.ChildText("machine"),
            root.ChildText("arch") ?? throw new CapabilitiesParseException("<domainCapabilities> has no <arch>"),
            root.Element("vcpu")?.UIntAttr("max"),
            flags,
            enums,
            cpu,
            features,
            Schema.OtherFacts(root));
    }

    /// <summary>Walks an element tree, keeping every supported flag, enum and bare value list by path.</summary>
    private static void CollectGeneric(XElement element, string path, List<SupportFlag> flags, List<CapabilityEnum> enums)
    {
        if (SafeXml.YesNo(element.Attr("supported")) is { } supported)
        {
            flags.Add(new SupportFlag(path, supported));
        }

        CollectEnums(element, path, enums);
        foreach (var child in element.Elements())
        {
            var name = child.Name.LocalName;
            if (name is not ("enum" or "value"))
            {
                CollectGeneric(child, path + "/" + name, flags, enums);
            }
        }
    }

    private static void CollectEnums(XElement element, string path, List<CapabilityEnum> enums)
    {
        List<string>? bareValues = null;
        foreach (var child in element.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "enum":
                    enums.Add(new CapabilityEnum(path, child.Attr("name") ?? "", Values(child)));
                    break;
                case "value":
                    (bareValues ??= []).Add(child.Value.Trim());
                    break;
            }
        }

        if (bareValues is not null)
        {
            enums.Add(new CapabilityEnum(path, "value", bareValues));
        }
    }

    private static List<string> Values(XElement enumElement) =>
        [.. enumElement.Elements("value").Select(v => v.Value.Trim())];

    private static CpuCapabilities ParseCpu(XElement cpu, List<CapabilityEnum> enums)
    {
        var modes = new List<CpuMode>();
        HostModelCpu? hostModel = null;
        var custom = new List<CustomCpuModel>();

        foreach (var mode in cpu.Elements("mode"))
        {
            var name = mode.Attr("name") ?? "";
            modes.Add(new CpuMode(name, SafeXml.YesNo(mode.Attr("supported")) ?? false));
            CollectEnums(mode, "cpu/" + name, enums);
            switch (name)
            {
                case "host-model":
                    hostModel = ParseHostModel(mode);
                    break;
                case "custom":
                    ParseCustomModels(mode, custom);
                    break;
            }
        }

        return new CpuCapabilities(modes, hostModel, custom);
    }

    private static HostModelCpu? ParseHostModel(XElement mode)
    {
        if (!mode.HasElements)
        {
            return null;
        }

        var model = mode.Element("model");
        var maxPhys = mode.Element("maxphysaddr");
        return new HostModelCpu(
            model?.Value.Trim(),
            model?.Attr("fallback"),
            mode.ChildText("vendor"),
            maxPhys is null ? null : new MaxPhysAddr(maxPhys.Attr("mode") ?? "", maxPhys.UIntAttr("bits"), maxPhys.UIntAttr("limit")),
            [.. mode.Elements("feature").Select(f => new CpuFeaturePolicy(f.Attr("name") ?? "", f.Attr("policy") ?? ""))]);
    }

    private static void ParseCustomModels(XElement mode, List<CustomCpuModel> custom)
    {
        var blockers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var block in mode.Elements("blockers"))
        {
            blockers[block.Attr("model") ?? ""] = [.. block.Elements("feature").Select(f => f.Attr("name") ?? "")];
        }

        foreach (var model in mode.Elements("model"))
        {
            var name = model.Value.Trim();
            custom.Add(new CustomCpuModel(
                name,
                model.Attr("usable") switch
                {
                    "yes" => CpuModelUsability.Yes,
                    "no" => CpuModelUsability.No,
                    _ => CpuModelUsability.Unknown,
                },
                model.Attr("vendor"),
                model.Attr("canonical"),
                SafeXml.YesNo(model.Attr("deprecated")),
                blockers.TryGetValue(name, out var features) ? features : []));
        }
    }

    private static DomainFeature ParseFeature(XElement feature, List<CapabilityEnum> enums)
    {
        var name = feature.Name.LocalName;
        var details = new List<FeatureDetail>();
        var sections = new List<SgxSection>();
        CollectEnums(feature, "features/" + name, enums);
        CollectDetails(feature, "features/" + name, "", details, sections, enums);
        return new DomainFeature(name, SafeXml.YesNo(feature.Attr("supported")), details, sections);
    }

    private static void CollectDetails(XElement element, string path, string prefix, List<FeatureDetail> details, List<SgxSection> sections, List<CapabilityEnum> enums)
    {
        foreach (var child in element.Elements())
        {
            var name = child.Name.LocalName;
            var field = prefix + name;
            if (name is "enum" or "value")
            {
                continue;
            }

            if (name == "section" && child.ULongAttr("size") is { } size && child.UIntAttr("node") is { } node)
            {
                Units.TryToBytes(size, child.Attr("unit"), out var bytes);
                sections.Add(new SgxSection(node, (ulong)bytes));
            }
            else if (child.HasElements)
            {
                CollectEnums(child, path + "/" + name, enums);
                CollectDetails(child, path + "/" + name, field + "/", details, sections, enums);
            }
            else
            {
                details.Add(Detail(field, child.Value.Trim(), child.Attr("unit")));
            }
        }
    }

    private static FeatureDetail Detail(string field, string text, string? unit)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return new FeatureDetail(field, text, null, false);
        }

        return unit is not null && Units.TryToBytes(number, unit, out var bytes)
            ? new FeatureDetail(field, text, bytes, true)
            : new FeatureDetail(field, text, number, false);
    }
}
