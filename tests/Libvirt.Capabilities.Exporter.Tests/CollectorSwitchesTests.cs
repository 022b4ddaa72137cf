using System.Reflection;
using System.Xml.Linq;
using Libvirt.Capabilities.Exporter.Collection;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>Collector switches remove exactly their families, and every capability family belongs to a switch or is always on on purpose.</summary>
public sealed class CollectorSwitchesTests
{
    private static readonly string[] AlwaysOn =
    [
        "libvirt_domcaps_info", "libvirt_domcaps_vcpu_max", "libvirt_domcaps_default_machine_info",
        "libvirt_host_capabilities_fingerprint_info", "libvirt_domcaps_fingerprint_info",
    ];

    [Fact]
    public void Every_capability_family_has_a_collector_or_is_always_on()
    {
        var declared = typeof(CollectorSwitches).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Libvirt.Capabilities.Exporter.Collection", StringComparison.Ordinal) == true && t != typeof(TargetHealthCollector))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.FieldType == typeof(MetricFamily)))
            .Select(f => ((MetricFamily)f.GetValue(null)!).Name);
        var switched = CollectorSwitches.All.SelectMany(c => c.Families).Select(f => f.Name).ToList();

        Assert.Equal(switched.Count, switched.Distinct().Count());
        Assert.Equal(declared.Order(), switched.Concat(AlwaysOn).Order());
    }

    [Fact]
    public void Render_without_the_enum_collector_drops_exactly_the_enum_values_of_the_document()
    {
        var file = TestEnvironment.FixturePath("debian12-libvirt9.0-qemu7.2", "domcaps-x86_64-kvm-q35.xml");
        var all = RenderRunner.Run("--domcaps", file);
        var lean = RenderRunner.Run("--domcaps", file, "--no-collector.domcaps_enums");

        Assert.Equal((0, 0), (all.ExitCode, lean.ExitCode));
        var removed = RenderRunner.SeriesLines(all.Stdout).Except(RenderRunner.SeriesLines(lean.Stdout)).ToList();
        Assert.All(removed, line => Assert.StartsWith("libvirt_domcaps_enum_value{", line, StringComparison.Ordinal));
        Assert.Equal(XPath.Count(XDocument.Load(file), "//enum/value"), removed.Count);
        Assert.Equal(RenderRunner.SeriesLines(all.Stdout).Count() - removed.Count, RenderRunner.SeriesLines(lean.Stdout).Count());
    }

    [Fact]
    public void A_collector_switched_on_and_off_at_once_is_an_error()
    {
        var result = RenderRunner.Run("--domcaps", "x.xml", "--collector.guest", "--no-collector.guest");

        RenderRunner.AssertOneLineError(result, "--collector.guest and --no-collector.guest contradict each other");
    }
}
