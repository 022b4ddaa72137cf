namespace Libvirt.Capabilities.Model;

/// <summary>
/// A child of <c>&lt;features&gt;</c>. libvirt maintainers note that the element's mere presence can itself
/// signal API support (e.g. <c>&lt;backup&gt;</c>), so "reported" (present) and "supported" (attribute) are
/// kept apart: <see cref="Supported"/> is null when the attribute is absent.
/// </summary>
public sealed record DomainFeature(
    string Name,
    bool? Supported,
    IReadOnlyList<FeatureDetail> Details,
    IReadOnlyList<SgxSection> SgxSections);

/// <summary>
/// A text leaf below a feature, e.g. sev <c>cbitpos</c>, sgx <c>section_size</c> or hyperv
/// <c>defaults/spinlocks</c>. <see cref="Number"/> is set when the text is numeric, already scaled to bytes
/// when the element has a <c>unit</c>.
/// </summary>
public sealed record FeatureDetail(string Field, string Value, double? Number, bool IsBytes);

/// <summary>An SGX EPC section on a NUMA node.</summary>
public sealed record SgxSection(uint Node, ulong SizeBytes);
