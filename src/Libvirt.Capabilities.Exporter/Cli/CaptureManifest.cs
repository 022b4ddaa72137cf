using System.Text.Json.Serialization;

namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>
/// <c>manifest.json</c> of a capture: which file answers which domain-capabilities combination (what was asked,
/// as live polls name it), so <c>diff</c> matches combinations across an upgrade exactly as live drift does.
/// </summary>
public sealed record CaptureManifest(
    int Version,
    string Uri,
    DateTimeOffset CapturedAt,
    string? LibvirtVersion,
    string? HypervisorVersion,
    string HostCapabilities,
    List<CapturedCombination> Combinations,
    List<CapturedCombination> DefaultMachines)
{
    public const int FormatVersion = 1;
    public const string FileName = "manifest.json";
}

/// <summary>One combination: emulator, arch, machine as asked, domain type, and the file (empty for default-machine entries).</summary>
public sealed record CapturedCombination(string Emulator, string Arch, string Machine, string VirtType, string? ResolvedMachine, string File);

[JsonSerializable(typeof(CaptureManifest))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
internal sealed partial class CaptureJsonContext : JsonSerializerContext;
