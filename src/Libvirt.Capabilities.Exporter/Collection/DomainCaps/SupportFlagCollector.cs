using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection.DomainCaps;

/// <summary>Every element outside cpu and features with a <c>supported</c> attribute (os/loader, devices/disk, ...).</summary>
public static class SupportFlagCollector
{
    public static readonly MetricFamily ElementSupported = MetricFamily.DomainCaps(
        "libvirt_domcaps_element_supported",
        "1 if the element (path below the root, e.g. os/loader, devices/disk) reports supported='yes', 0 for 'no'.",
        "element");

    public static void Collect(DomainCapabilities caps, SampleSink sink)
    {
        foreach (var flag in caps.SupportFlags)
        {
            sink.Add(ElementSupported, flag.Supported, flag.Element);
        }
    }
}
