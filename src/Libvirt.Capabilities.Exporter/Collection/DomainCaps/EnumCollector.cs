using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection.DomainCaps;

/// <summary>Every enum value anywhere in the document, so values a newer libvirt adds show up unchanged.</summary>
public static class EnumCollector
{
    public static readonly MetricFamily EnumValue = MetricFamily.DomainCaps(
        "libvirt_domcaps_enum_value",
        "1 for each value of an <enum> (enum=\"value\" for values directly under the element, e.g. loader firmware paths).",
        "element", "enum", "value");

    public static void Collect(DomainCapabilities caps, SampleSink sink)
    {
        foreach (var capabilityEnum in caps.Enums)
        {
            foreach (var value in capabilityEnum.Values)
            {
                sink.Add(EnumValue, 1, capabilityEnum.Element, capabilityEnum.Name, value);
            }
        }
    }
}
