using System.Xml.Linq;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// The golden exposition files are written by the code under test when UPDATE_GOLDEN=1 is set, so on their own
/// they prove nothing in that run. These checks never look at UPDATE_GOLDEN: the committed (or just rewritten)
/// golden files must always agree with counts taken from the fixture XML with XPath, so a wrong rewrite fails.
/// </summary>
public sealed class GoldenOracleTests
{
    private const string Fixtures = "debian12-libvirt9.0-qemu7.2";

    [Fact]
    public void The_host_golden_file_matches_the_fixture_counts()
    {
        var doc = XDocument.Load(TestEnvironment.FixturePath(Fixtures, "hostcaps.xml"));
        var golden = File.ReadAllText(TestEnvironment.FixturePath(Fixtures, "hostcaps.metrics.txt"));

        AssertCount(golden, "libvirt_host_cpu_feature", XPath.Count(doc, "/capabilities/host/cpu/feature"));
        AssertCount(golden, "libvirt_guest_arch_info", XPath.Count(doc, "/capabilities/guest"));
        AssertCount(golden, "libvirt_guest_domain_type_info", XPath.Count(doc, "/capabilities/guest/arch/domain"));
        AssertCount(golden, "libvirt_guest_machine_info", XPath.Count(doc, "/capabilities/guest//machine"));
        AssertCount(golden, "libvirt_guest_feature_info", XPath.Count(doc, "/capabilities/guest/features/*"));
        AssertCount(golden, "libvirt_host_numa_cell_memory_bytes", XPath.Count(doc, "/capabilities/host/topology/cells/cell/memory"));
        AssertCount(golden, "libvirt_host_numa_cell_pages", XPath.Count(doc, "/capabilities/host/topology/cells/cell/pages"));
        AssertCount(golden, "libvirt_host_numa_cell_cpu_info", XPath.Count(doc, "/capabilities/host/topology/cells/cell/cpus/cpu"));
        AssertCount(golden, "libvirt_host_security_model_info", XPath.Count(doc, "/capabilities/host/secmodel"));
        AssertCount(golden, "libvirt_host_power_management_supported", XPath.Count(doc, "/capabilities/host/power_management/*"));
        AssertCount(golden, "libvirt_host_capabilities_fingerprint_info", 1);
        Assert.All(RenderRunner.SeriesLines(golden).Where(l => l.StartsWith("libvirt_", StringComparison.Ordinal)), l => Assert.Contains("target=\"fixture\"", l, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("domcaps-x86_64-kvm-q35")]
    [InlineData("domcaps-aarch64-qemu-virt")]
    public void A_domain_golden_file_matches_the_fixture_counts(string fixture)
    {
        var doc = XDocument.Load(TestEnvironment.FixturePath(Fixtures, fixture + ".xml"));
        var golden = File.ReadAllText(TestEnvironment.FixturePath(Fixtures, fixture + ".metrics.txt"));

        AssertCount(golden, "libvirt_domcaps_info", 1);
        AssertCount(golden, "libvirt_domcaps_cpu_model_usable", XPath.Count(doc, "//cpu/mode[@name='custom']/model"));
        AssertCount(golden, "libvirt_domcaps_cpu_model_blocker", XPath.Count(doc, "//cpu/mode[@name='custom']/blockers/feature"));
        AssertCount(golden, "libvirt_domcaps_cpu_mode_supported", XPath.Count(doc, "//cpu/mode"));
        AssertCount(golden, "libvirt_domcaps_host_model_feature", XPath.Count(doc, "//cpu/mode[@name='host-model']/feature"));
        AssertCount(golden, "libvirt_domcaps_feature_supported", XPath.Count(doc, "/domainCapabilities/features/*[@supported]"));
        AssertCount(golden, "libvirt_domcaps_enum_value", XPath.Count(doc, "//value"));
        AssertCount(golden, "libvirt_domcaps_vcpu_max", XPath.Count(doc, "/domainCapabilities/vcpu"));
        AssertCount(golden, "libvirt_domcaps_element_supported", XPath.Count(doc, "//*[@supported and not(parent::features) and not(self::mode)]"));

        // Usable models by the document's own usable attribute, not by the exporter's reading of it.
        var usable = XPath.Count(doc, "//cpu/mode[@name='custom']/model[@usable='yes']");
        Assert.Equal(usable, RenderRunner.SeriesLines(golden).Count(l => l.StartsWith("libvirt_domcaps_cpu_model_usable{", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal)));
        var machine = doc.Root!.Element("machine")!.Value;
        Assert.Contains(RenderRunner.SeriesLines(golden), l => l.StartsWith("libvirt_domcaps_info{", StringComparison.Ordinal) && l.Contains($"\"{machine}\"", StringComparison.Ordinal));
    }

    private static void AssertCount(string exposition, string family, int expected)
    {
        Assert.Equal((family, expected), (family, RenderRunner.CountSeries(exposition, family)));
    }
}
