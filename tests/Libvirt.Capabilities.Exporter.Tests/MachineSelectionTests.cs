using System.Text.RegularExpressions;
using System.Xml.Linq;
using System.Xml.XPath;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// Which combinations the planner asks for, over the real host capabilities of the fixture: the expected set is
/// taken from the XML with XPath and the globs are matched with a regular expression written here, not with
/// the product's matcher.
/// </summary>
public sealed class MachineSelectionTests
{
    private static readonly XDocument Host = XDocument.Parse(RecordedLibvirt.Fixture("hostcaps.xml"));

    public static TheoryData<string, string[], string[], string[], string[], string[], string[]> Selections() => new()
    {
        // policy, include arch, exclude arch, include machine, exclude machine, include virt type, exclude virt type
        { MachineSelection.DefaultPolicy, [], [], [], [], [], [] },
        { MachineSelection.AllPolicy, [], [], [], [], [], [] },
        { MachineSelection.DefaultPolicy, ["x86_6?"], [], [], [], [], ["qemu"] },
        { MachineSelection.DefaultPolicy, ["*86*"], ["i686"], [], [], ["kvm"], [] },
        { MachineSelection.DefaultPolicy, [], [], [], ["*i440fx*"], [], [] },
        { MachineSelection.AllPolicy, [], [], ["pc-q35-*"], [], [], [] },
        { MachineSelection.AllPolicy, ["arm*", "aarch64"], [], ["virt-7.?", "virt"], ["*7.1"], [], [] },
        { MachineSelection.AllPolicy, [], ["arm*", "aarch64"], ["*"], ["pc-i440fx-*", "isapc", "microvm"], [], [] },
        { MachineSelection.DefaultPolicy, ["nothing-matches"], [], [], [], [], [] },
    };

    [Theory]
    [MemberData(nameof(Selections))]
    public void The_plan_is_exactly_the_selected_machines_of_the_document(
        string policy, string[] includeArch, string[] excludeArch, string[] includeMachine, string[] excludeMachine, string[] includeVirt, string[] excludeVirt)
    {
        var selection = new MachineSelection
        {
            Policy = policy,
            IncludeArch = [.. includeArch],
            ExcludeArch = [.. excludeArch],
            IncludeMachine = [.. includeMachine],
            ExcludeMachine = [.. excludeMachine],
            IncludeVirtType = [.. includeVirt],
            ExcludeVirtType = [.. excludeVirt],
        };

        var plan = CombinationPlanner.Plan(HostCapabilitiesParser.Parse(RecordedLibvirt.Fixture("hostcaps.xml")), selection);
        var planned = plan.SelectMany(g => g.Machines.Select(m => $"{g.Arch}/{g.VirtType}/{m.Name}")).Order(StringComparer.Ordinal).ToList();
        var groups = plan.Select(g => $"{g.Arch}/{g.VirtType}").Order(StringComparer.Ordinal).ToList();

        var expected = new List<string>();
        var expectedGroups = new List<string>();
        foreach (var arch in Host.XPathSelectElements("/capabilities/guest[os_type='hvm']/arch"))
        {
            var archName = arch.Attribute("name")!.Value;
            foreach (var domain in arch.Elements("domain"))
            {
                var virt = domain.Attribute("type")!.Value;
                if (!Selected(archName, includeArch, excludeArch) || !Selected(virt, includeVirt, excludeVirt))
                {
                    continue;
                }

                expectedGroups.Add($"{archName}/{virt}");
                var machines = domain.Elements("machine").Any() ? domain.Elements("machine") : arch.Elements("machine");
                foreach (var machine in machines)
                {
                    var name = machine.Value.Trim();
                    var canonical = machine.Attribute("canonical")?.Value;
                    string[] names = canonical is null ? [name] : [name, canonical];
                    var byPolicy = policy == MachineSelection.AllPolicy || canonical is not null;
                    var included = includeMachine.Length == 0 || names.Any(n => includeMachine.Any(p => Glob(n, p)));
                    var excluded = names.Any(n => excludeMachine.Any(p => Glob(n, p)));
                    if (byPolicy && included && !excluded)
                    {
                        expected.Add($"{archName}/{virt}/{name}");
                    }
                }
            }
        }

        Assert.Equal(expectedGroups.Order(StringComparer.Ordinal), groups);
        Assert.Equal(expected.Order(StringComparer.Ordinal), planned);
    }

    [Fact]
    public void Policy_all_plans_every_machine_and_aliases_after_the_machines_they_name()
    {
        var plan = CombinationPlanner.Plan(HostCapabilitiesParser.Parse(RecordedLibvirt.Fixture("hostcaps.xml")), new MachineSelection { Policy = MachineSelection.AllPolicy });

        // Every hvm machine element, once per domain type that inherits the arch's machine list.
        var expected = Host.XPathSelectElements("/capabilities/guest[os_type='hvm']/arch")
            .Sum(a => a.Elements("domain").Count() * a.Elements("machine").Count());
        Assert.Equal(expected, plan.Sum(g => g.Machines.Count));
        Assert.True(expected > 400, $"the fixture has {expected} machines; the test needs a big host");
        Assert.All(plan, group =>
        {
            var firstAlias = group.Machines.ToList().FindIndex(m => m.Canonical is not null);
            Assert.True(firstAlias > 0);
            Assert.All(group.Machines.Skip(firstAlias), m => Assert.NotNull(m.Canonical));
        });
    }

    [Fact]
    public void Only_hvm_guests_are_planned()
    {
        var xml = RecordedLibvirt.Fixture("hostcaps.xml").Replace("<os_type>hvm</os_type>", "<os_type>xen</os_type>", StringComparison.Ordinal);
        Assert.Empty(CombinationPlanner.Plan(HostCapabilitiesParser.Parse(xml), new MachineSelection { Policy = MachineSelection.AllPolicy }));
    }

    /// <summary>Shell-style glob: <c>*</c> any run, <c>?</c> one character, everything else literal, whole string, case-sensitive.</summary>
    private static bool Glob(string value, string pattern) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.None, TimeSpan.FromSeconds(1));

    private static bool Selected(string value, string[] include, string[] exclude) =>
        (include.Length == 0 || include.Any(p => Glob(value, p))) && !exclude.Any(p => Glob(value, p));
}
