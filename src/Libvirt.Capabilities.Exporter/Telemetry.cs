using System.Diagnostics;

namespace Libvirt.Capabilities.Exporter;

/// <summary>The exporter's trace source: one span per poll, one child per libvirt call.</summary>
public static class Telemetry
{
    public const string SourceName = "Libvirt.Capabilities.Exporter";

    public static readonly ActivitySource Source = new(SourceName, typeof(Telemetry).Assembly.GetName().Version?.ToString());
}
