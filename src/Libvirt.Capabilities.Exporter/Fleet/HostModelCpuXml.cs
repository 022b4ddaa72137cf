using System.Xml.Linq;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>
/// The host-model CPU of domain capabilities as a guest CPU definition, <c>&lt;cpu mode='custom' match='exact'&gt;</c>:
/// the form virConnectCompareHypervisorCPU and virConnectBaselineHypervisorCPU accept, and what a guest started
/// with mode host-model on that host is given.
/// </summary>
public static class HostModelCpuXml
{
    public static string Render(HostModelCpu cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        var element = new XElement("cpu", new XAttribute("mode", "custom"), new XAttribute("match", "exact"));
        if (cpu.Model is not null)
        {
            element.Add(new XElement("model", new XAttribute("fallback", cpu.Fallback ?? "forbid"), cpu.Model));
        }

        if (cpu.Vendor is not null)
        {
            element.Add(new XElement("vendor", cpu.Vendor));
        }

        foreach (var feature in cpu.Features)
        {
            element.Add(new XElement("feature", new XAttribute("policy", feature.Policy), new XAttribute("name", feature.Name)));
        }

        return element.ToString();
    }
}
