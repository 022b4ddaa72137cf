using System.Globalization;
using System.Xml.Linq;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests.Oracle;

/// <summary>
/// Every <c>libvirt_domcaps_*</c> fact of one domain-capabilities document, read with XDocument by the rules of
/// docs/metrics.md and libvirt's domaincaps.rng. Fingerprints are not facts (drift never compares them).
/// </summary>
internal static class DomainCapsOracle
{
    private static readonly Lazy<RngElements> Schema = new(() =>
        RngElements.Load(Path.Combine(TestEnvironment.RequireCorpus(), "schemas", "domaincaps.rng")));

    /// <summary>The combination that was asked: the labels every fact of the document carries.</summary>
    public sealed record Combination(string Emulator, string Arch, string Machine, string VirtType);

    public static void Add(OracleFacts facts, XDocument doc, Combination combination)
    {
        var reads = new XmlReads();
        var root = doc.Root!;
        (string, string)[] asked = [("emulator", combination.Emulator), ("arch", combination.Arch), ("machine", combination.Machine), ("virt_type", combination.VirtType)];
        void Fact(string name, double number, (string, string)[] identity, (string, string)[]? values = null) =>
            facts.Add("libvirt_domcaps_" + name, number, [.. asked, .. identity], values);

        // The request names the combination; the document says what libvirt resolved it to.
        reads.Text(root.Element("domain")!);
        reads.Text(root.Element("arch")!);
        var resolvedMachine = root.Element("machine") is { } machine ? reads.Text(machine) : "";
        var resolvedEmulator = root.Element("path") is { } path ? reads.Text(path) : "";
        Fact("info", 1, [], [("resolved_machine", resolvedMachine), ("resolved_emulator", resolvedEmulator)]);
        if (root.Element("vcpu") is { } vcpu)
        {
            Fact("vcpu_max", Number(reads.Attr(vcpu, "max")!), []);
        }

        foreach (var section in root.Elements().Where(e => e.Name.LocalName is not ("path" or "domain" or "machine" or "arch" or "vcpu" or "cpu" or "features")))
        {
            foreach (var element in section.DescendantsAndSelf().Where(e => !e.AncestorsAndSelf().Any(a => a.Name.LocalName is "enum" or "value")))
            {
                if (reads.Attr(element, "supported") is { } supported)
                {
                    Fact("element_supported", YesNo(supported), [("element", XmlReads.PathOf(element))]);
                }
            }
        }

        foreach (var mode in root.Element("cpu")?.Elements("mode") ?? [])
        {
            AddCpuMode(reads, mode, Fact);
        }

        foreach (var feature in root.Element("features")?.Elements() ?? [])
        {
            reads.Presence(feature);
            var name = feature.Name.LocalName;
            Fact("feature_reported", 1, [("feature", name)]);
            if (reads.Attr(feature, "supported") is { } supported)
            {
                Fact("feature_supported", YesNo(supported), [("feature", name)]);
            }

            AddDetails(reads, feature, name, "", Fact);
        }

        // reported=0 for each feature domaincaps.rng defines that the document leaves out.
        foreach (var known in Schema.Value.Children("features"))
        {
            if (root.Element("features")?.Element(known) is null)
            {
                Fact("feature_reported", 0, [("feature", known)]);
            }
        }

        // An enum without values offers nothing: its name is read, and no value is a fact.
        foreach (var enumElement in root.Descendants("enum"))
        {
            reads.Attr(enumElement, "name");
        }

        // Enum values anywhere: under a CPU mode the element is cpu/<mode name>, elsewhere the path of the enum's parent.
        foreach (var value in root.Descendants("value"))
        {
            var owner = value.Parent!.Name.LocalName == "enum" ? value.Parent.Parent! : value.Parent!;
            var enumName = value.Parent.Name.LocalName == "enum" ? reads.Attr(value.Parent, "name") ?? "" : "value";
            var element = owner.Name.LocalName == "mode" && owner.Parent?.Name.LocalName == "cpu"
                ? "cpu/" + owner.Attribute("name")?.Value
                : XmlReads.PathOf(owner);
            Fact("enum_value", 1, [("element", element), ("enum", enumName), ("value", reads.Text(value))]);
        }

        foreach (var (element, attribute, value) in reads.Unread(root, Schema.Value))
        {
            Fact("element_info", 1, [("element", element), ("attribute", attribute), ("value", value)]);
        }
    }

    private static void AddCpuMode(XmlReads reads, XElement mode, Action<string, double, (string, string)[], (string, string)[]?> fact)
    {
        var name = reads.Attr(mode, "name") ?? "";
        fact("cpu_mode_supported", reads.Attr(mode, "supported") == "yes" ? 1 : 0, [("mode", name)], null);
        if (name == "host-model" && mode.HasElements)
        {
            var model = mode.Element("model");
            fact("host_model_info", 1, [], [
                ("model", model is null ? "" : reads.Text(model)),
                ("vendor", mode.Element("vendor") is { } vendor ? reads.Text(vendor) : ""),
                ("fallback", model is null ? "" : reads.Attr(model, "fallback") ?? "")]);
            foreach (var feature in mode.Elements("feature"))
            {
                fact("host_model_feature", 1, [("feature", reads.Attr(feature, "name")!)], [("policy", reads.Attr(feature, "policy")!)]);
            }

            if (mode.Element("maxphysaddr") is { } maxPhys)
            {
                // docs/metrics.md: the limit, or the fixed width.
                var (bits, limit) = (reads.Attr(maxPhys, "bits"), reads.Attr(maxPhys, "limit"));
                if ((limit ?? bits) is { } width)
                {
                    fact("host_model_physical_address_width", Number(width), [("mode", reads.Attr(maxPhys, "mode")!)], null);
                }
            }
        }

        if (name == "custom")
        {
            foreach (var model in mode.Elements("model"))
            {
                var modelName = reads.Text(model);
                var usable = reads.Attr(model, "usable") switch { "yes" => 1, "no" => 0, _ => -1 };
                fact("cpu_model_usable", usable, [("model", modelName)], [("vendor", reads.Attr(model, "vendor") ?? "")]);
                if (reads.Attr(model, "deprecated") is { } deprecated)
                {
                    fact("cpu_model_deprecated", YesNo(deprecated), [("model", modelName)], null);
                }

                if (reads.Attr(model, "canonical") is { } canonical)
                {
                    fact("cpu_model_canonical_info", 1, [("model", modelName)], [("canonical", canonical)]);
                }
            }

            foreach (var blockers in mode.Elements("blockers"))
            {
                var blocked = reads.Attr(blockers, "model")!;
                foreach (var feature in blockers.Elements("feature"))
                {
                    fact("cpu_model_blocker", 1, [("model", blocked), ("feature", reads.Attr(feature, "name")!)], null);
                }
            }
        }
    }

    /// <summary>
    /// The text leaves below a feature (field = their path below it): numbers without a unit are feature_value,
    /// with a unit feature_bytes, other text feature_detail_info; SGX EPC sections are sgx_section_bytes.
    /// </summary>
    private static void AddDetails(XmlReads reads, XElement element, string feature, string prefix, Action<string, double, (string, string)[], (string, string)[]?> fact)
    {
        foreach (var child in element.Elements().Where(c => c.Name.LocalName is not ("enum" or "value")))
        {
            var field = prefix + child.Name.LocalName;
            if (child.Name.LocalName == "section" && child.Attribute("node") is not null && child.Attribute("size") is not null)
            {
                var bytes = ScaledInteger.Bytes(reads.Attr(child, "size")!, reads.Attr(child, "unit"), "KiB");
                fact("sgx_section_bytes", bytes, [("node", reads.Attr(child, "node")!)], null);
            }
            else if (child.HasElements)
            {
                AddDetails(reads, child, feature, field + "/", fact);
            }
            else
            {
                reads.Presence(child);
                var text = reads.Text(child);
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    fact("feature_detail_info", 1, [("feature", feature), ("field", field)], [("value", text)]);
                }
                else if (child.Attribute("unit") is not null && ScaledInteger.Factor(child.Attribute("unit")!.Value) is { } factor)
                {
                    reads.Attr(child, "unit");
                    fact("feature_bytes", number * factor, [("feature", feature), ("field", field)], null);
                }
                else
                {
                    fact("feature_value", number, [("feature", feature), ("field", field)], null);
                }
            }
        }
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static double YesNo(string value) => value switch
    {
        "yes" => 1,
        "no" => 0,
        _ => throw new FormatException($"'{value}' is not yes or no"),
    };
}
