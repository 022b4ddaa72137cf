using Libvirt.Capabilities.Model;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>A CPU computed by virConnectBaselineHypervisorCPU: the XML to paste into a domain, and its parts.</summary>
public sealed record BaselineCpu(string Xml, string? Model, string? Vendor, IReadOnlyList<CpuFeaturePolicy> Features)
{
    /// <exception cref="CapabilitiesParseException">libvirt answered something other than a <c>&lt;cpu&gt;</c> element.</exception>
    public static BaselineCpu Parse(string xml)
    {
        var cpu = SafeXml.LoadRoot(xml, "cpu");
        return new BaselineCpu(
            xml.Trim(),
            cpu.ChildText("model"),
            cpu.ChildText("vendor"),
            [.. cpu.Elements("feature").Select(f => new CpuFeaturePolicy(f.Attr("name") ?? "", f.Attr("policy") ?? "require"))]);
    }
}
