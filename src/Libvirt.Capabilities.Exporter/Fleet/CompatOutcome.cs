using System.Text.Json.Serialization;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>Can a CPU run on a hypervisor: the three answers the fleet and <c>compat</c> give.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CompatOutcome>))]
public enum CompatOutcome
{
    /// <summary>The hypervisor provides the CPU (identical or a superset).</summary>
    [JsonStringEnumMemberName("compatible")]
    Compatible,

    /// <summary>The hypervisor judged the CPU and cannot provide it (blockers say why).</summary>
    [JsonStringEnumMemberName("incompatible")]
    Incompatible,

    /// <summary>No judgement: the destination's libvirt cannot judge the CPU, refuses (read-only), or is unreachable.</summary>
    [JsonStringEnumMemberName("unknown")]
    Unknown,
}
