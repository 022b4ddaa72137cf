using System.Globalization;

namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>Numbers as label values: invariant culture, so labels never depend on the host's locale.</summary>
public static class LabelValue
{
    public static string Of(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
