namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>Section <c>Collectors</c>: collector name → true | false (see Collection/CollectorSwitches.cs).</summary>
public static class CollectorOptions
{
    public const string Section = "Collectors";
}
