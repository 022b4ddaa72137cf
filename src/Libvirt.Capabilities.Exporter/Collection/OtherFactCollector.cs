using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection;

/// <summary>
/// Attributes and text that no dedicated family covers, in either document (e.g. an element a newer libvirt
/// adds): exported by element path, so the export stays lossless without a new release of the exporter.
/// </summary>
public static class OtherFactCollector
{
    private const string Help =
        "1 for each attribute value or text of an element that no other family covers (e.g. added by a newer libvirt); " +
        "element is the path below the root, attribute is empty for the element's text or bare presence.";

    public static readonly MetricFamily Host = MetricFamily.Target("libvirt_host_element_info", Help, "element", "attribute", "value");

    public static readonly MetricFamily DomainCaps = MetricFamily.DomainCaps("libvirt_domcaps_element_info", Help, "element", "attribute", "value");

    public static void Collect(IReadOnlyList<OtherFact> facts, MetricFamily family, SampleSink sink)
    {
        foreach (var fact in facts)
        {
            sink.Add(family, 1, fact.Element, fact.Attribute, fact.Value);
        }
    }
}
