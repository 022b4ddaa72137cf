using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Model;

namespace Libvirt.Capabilities.Exporter.Collection.DomainCaps;

/// <summary>
/// The children of <c>&lt;features&gt;</c>. "reported" (the element is present, which for some features such
/// as backup itself signals API support) and "supported" (its attribute) are exported as two facts.
/// </summary>
public static class FeatureCollector
{
    public static readonly MetricFamily Supported = MetricFamily.DomainCaps(
        "libvirt_domcaps_feature_supported", "1 if the feature element says supported='yes', 0 for 'no'.", "feature");

    public static readonly MetricFamily Reported = MetricFamily.DomainCaps(
        "libvirt_domcaps_feature_reported",
        "1 if the feature element is present (presence alone can signal API support), 0 for a feature known from libvirt's schema that this document does not report.",
        "feature");

    public static readonly MetricFamily Value = MetricFamily.DomainCaps(
        "libvirt_domcaps_feature_value", "Numeric fact of a feature without a unit (e.g. sev cbitpos, maxGuests, hyperv defaults/spinlocks).", "feature", "field");

    public static readonly MetricFamily Bytes = MetricFamily.DomainCaps(
        "libvirt_domcaps_feature_bytes", "Size fact of a feature, in bytes (e.g. sgx section_size).", "feature", "field");

    public static readonly MetricFamily DetailInfo = MetricFamily.DomainCaps(
        "libvirt_domcaps_feature_detail_info", "1 for each non-numeric fact of a feature (e.g. sgx flc, hyperv defaults/vendor_id).", "feature", "field", "value").WithValueLabels("value");

    public static readonly MetricFamily SgxSectionBytes = MetricFamily.DomainCaps(
        "libvirt_domcaps_sgx_section_bytes", "Size of the SGX EPC section on a NUMA node, in bytes.", "node");

    public static void Collect(DomainCapabilities caps, SampleSink sink)
    {
        foreach (var feature in caps.Features)
        {
            sink.Add(Reported, 1, feature.Name);
            if (feature.Supported is { } supported)
            {
                sink.Add(Supported, supported, feature.Name);
            }

            foreach (var detail in feature.Details)
            {
                if (detail.Number is not { } number)
                {
                    sink.Add(DetailInfo, 1, feature.Name, detail.Field, detail.Value);
                }
                else
                {
                    sink.Add(detail.IsBytes ? Bytes : Value, number, feature.Name, detail.Field);
                }
            }

            foreach (var section in feature.SgxSections)
            {
                sink.Add(SgxSectionBytes, section.SizeBytes, LabelValue.Of(section.Node));
            }
        }

        foreach (var known in KnownDomainFeatures.Names)
        {
            if (!caps.Features.Any(f => f.Name == known))
            {
                sink.Add(Reported, 0, known);
            }
        }
    }
}
