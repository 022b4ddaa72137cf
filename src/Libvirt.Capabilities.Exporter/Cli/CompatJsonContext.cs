using System.Text.Json.Serialization;

namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>Source-generated JSON for <c>compat</c>: every key is always written, null included.</summary>
[JsonSerializable(typeof(List<FileVerdict>))]
[JsonSerializable(typeof(BaselineOutput))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
internal sealed partial class CompatJsonContext : JsonSerializerContext;
