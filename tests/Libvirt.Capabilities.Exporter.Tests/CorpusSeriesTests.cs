using System.Xml.Linq;
using System.Xml.XPath;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// For every corpus document, the rendered series match counts the test takes from the XML itself, and
/// promtool accepts the exposition. Distinct label sets mean no two facts collapsed into one series.
/// </summary>
public sealed class CorpusSeriesTests
{
    [Theory]
    [MemberData(nameof(CorpusCases.DomainCaps), MemberType = typeof(CorpusCases))]
    public void Domain_capabilities_series_match_the_document(string file)
    {
        var path = Path.Combine(TestEnvironment.RequireCorpus(), "domaincaps", file);
        var doc = XDocument.Load(path);
        var result = RenderRunner.Run("--domcaps", path, "--target", "corpus");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var text = result.Stdout;

        Assert.Equal(1, RenderRunner.CountSeries(text, "libvirt_domcaps_info"));
        Assert.Equal(XPath.Count(doc, "//cpu/mode[@name='custom']/model"), RenderRunner.CountSeries(text, "libvirt_domcaps_cpu_model_usable"));
        Assert.Equal(XPath.Count(doc, "//cpu/mode[@name='custom']/blockers/feature"), RenderRunner.CountSeries(text, "libvirt_domcaps_cpu_model_blocker"));
        Assert.Equal(XPath.Count(doc, "//cpu/mode"), RenderRunner.CountSeries(text, "libvirt_domcaps_cpu_mode_supported"));
        Assert.Equal(XPath.Count(doc, "//cpu/mode[@name='host-model']/feature"), RenderRunner.CountSeries(text, "libvirt_domcaps_host_model_feature"));
        Assert.Equal(XPath.Count(doc, "/domainCapabilities/features/*[@supported]"), RenderRunner.CountSeries(text, "libvirt_domcaps_feature_supported"));
        Assert.Equal(
            XPath.Count(doc, "/domainCapabilities/features/*") + KnownMissing(doc),
            RenderRunner.CountSeries(text, "libvirt_domcaps_feature_reported"));
        Assert.Equal(
            XPath.Count(doc, "//*[@supported and not(parent::features) and not(self::mode)]"),
            RenderRunner.CountSeries(text, "libvirt_domcaps_element_supported"));
        Assert.Equal(XPath.Count(doc, "//value"), RenderRunner.CountSeries(text, "libvirt_domcaps_enum_value"));
        Assert.Equal(XPath.Count(doc, "//features/sgx/sections/section"), RenderRunner.CountSeries(text, "libvirt_domcaps_sgx_section_bytes"));
        Assert.Equal(XPath.Count(doc, "/domainCapabilities/vcpu"), RenderRunner.CountSeries(text, "libvirt_domcaps_vcpu_max"));

        var values = doc.XPathSelectElements("/domainCapabilities/features/*//*[not(*) and not(self::value) and not(self::enum) and not(self::section)]").Count();
        Assert.Equal(
            values,
            RenderRunner.CountSeries(text, "libvirt_domcaps_feature_value")
            + RenderRunner.CountSeries(text, "libvirt_domcaps_feature_bytes")
            + RenderRunner.CountSeries(text, "libvirt_domcaps_feature_detail_info"));
        Promtool.AssertValid(text);
    }

    [Theory]
    [MemberData(nameof(CorpusCases.HostCaps), MemberType = typeof(CorpusCases))]
    public void Host_capabilities_series_match_the_document(string file)
    {
        var path = Path.Combine(TestEnvironment.RequireCorpus(), "hostcaps", file);
        var doc = XDocument.Load(path);
        var result = RenderRunner.Run("--capabilities", path);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var text = result.Stdout;

        Assert.Equal(XPath.Count(doc, "/capabilities/host/cpu/feature"), RenderRunner.CountSeries(text, "libvirt_host_cpu_feature"));
        Assert.Equal(XPath.Count(doc, "/capabilities/guest"), RenderRunner.CountSeries(text, "libvirt_guest_arch_info"));
        Assert.Equal(XPath.Count(doc, "/capabilities/guest/arch/domain"), RenderRunner.CountSeries(text, "libvirt_guest_domain_type_info"));
        Assert.Equal(XPath.Count(doc, "/capabilities/guest//machine"), RenderRunner.CountSeries(text, "libvirt_guest_machine_info"));
        // libvirt may list one alias twice with different canonical machines (ppc64 powernv): one max-cpus series each.
        var machinesWithMaxCpus = doc.XPathSelectElements("/capabilities/guest//machine[@maxCpus]")
            .Select(m => (m.Ancestors("guest").Single(), m.Parent!.Attribute("type")?.Value, m.Value))
            .Distinct()
            .Count();
        Assert.Equal(machinesWithMaxCpus, RenderRunner.CountSeries(text, "libvirt_guest_machine_max_cpus"));
        Assert.Equal(XPath.Count(doc, "/capabilities/guest/features/*"), RenderRunner.CountSeries(text, "libvirt_guest_feature_info"));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/topology/cells/cell/memory"), RenderRunner.CountSeries(text, "libvirt_host_numa_cell_memory_bytes"));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/topology/cells/cell/pages"), RenderRunner.CountSeries(text, "libvirt_host_numa_cell_pages"));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/cache/bank"), RenderRunner.CountSeries(text, "libvirt_host_cache_bank_size_bytes"));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/secmodel"), RenderRunner.CountSeries(text, "libvirt_host_security_model_info"));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/power_management/*"), RenderRunner.CountSeries(text, "libvirt_host_power_management_supported"));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/cache/bank/control"), RenderRunner.CountSeries(text, "libvirt_host_cache_control_granularity_bytes"));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/memory_bandwidth/node"), RenderRunner.CountSeries(text, "libvirt_host_memory_bandwidth_node_info"));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/*/monitor"), RenderRunner.CountSeries(text, "libvirt_host_resource_monitor_max_monitors"));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/*/monitor/feature"), RenderRunner.CountSeries(text, "libvirt_host_resource_monitor_feature"));
        Assert.Equal(
            XPath.Count(doc, "/capabilities/host/topology/interconnects/*"),
            RenderRunner.CountSeries(text, "libvirt_host_numa_interconnect_latency_seconds") + RenderRunner.CountSeries(text, "libvirt_host_numa_interconnect_bandwidth_bytes_per_second"));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/topology/cells/cell/cache/size"), RenderRunner.CountSeries(text, "libvirt_host_numa_cell_cache_size_bytes"));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/topology/cells/cell/cpus/cpu"), RenderRunner.CountSeries(text, "libvirt_host_numa_cell_cpu_info"));
        Promtool.AssertValid(text);
    }

    /// <summary>Features from libvirt's schema that the document leaves out (reported=0).</summary>
    private static int KnownMissing(XDocument doc)
    {
        var schema = XDocument.Load(Path.Combine(TestEnvironment.CorpusDirectory, "schemas", "domaincaps.rng"));
        XNamespace rng = "http://relaxng.org/ns/structure/1.0";
        var features = schema.Descendants(rng + "define").Single(d => d.Attribute("name")?.Value == "features")
            .Descendants(rng + "ref").Select(r => r.Attribute("name")!.Value)
            .Select(refName => schema.Descendants(rng + "define").Single(d => d.Attribute("name")?.Value == refName)
                .Element(rng + "element")!.Attribute("name")!.Value);
        var present = doc.XPathSelectElements("/domainCapabilities/features/*").Select(e => e.Name.LocalName).ToHashSet();
        return features.Count(f => !present.Contains(f));
    }
}
