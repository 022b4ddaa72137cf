using System.Text.Json.Serialization;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Exporter.Polling;

namespace Libvirt.Capabilities.Exporter.Web;

/// <summary>Source-generated JSON for the /api endpoints (no reflection; Native AOT ready).</summary>
[JsonSerializable(typeof(IReadOnlyList<TargetStatus>))]
[JsonSerializable(typeof(List<CapabilityChange>))]
[JsonSerializable(typeof(FleetReport))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
