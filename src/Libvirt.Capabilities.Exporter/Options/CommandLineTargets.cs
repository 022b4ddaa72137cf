namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>
/// Targets given with <c>--libvirt.uri</c>: they are ADDED to the targets of the configuration sources, never
/// merged into them by position (a file target's credentials must never be offered to a flag's host).
/// <c>--libvirt.read-only</c> applies to these, or to the default target when no target is configured at all.
/// </summary>
public sealed record CommandLineTargets(IReadOnlyList<string> Uris, bool ReadOnly)
{
    public static readonly CommandLineTargets None = new([], false);
}
