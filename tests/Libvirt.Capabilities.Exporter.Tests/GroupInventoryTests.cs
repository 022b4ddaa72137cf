using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Parsing;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>Models and machine types per group, from corpus documents of two QEMU generations.</summary>
public sealed class GroupInventoryTests
{
    [Fact]
    public void Models_are_keyed_on_the_canonical_name_and_deprecated_ones_stay_visible()
    {
        var newer = DomainCapabilitiesParser.Parse(TestEnvironment.ReadCorpusFile("domaincaps", "qemu_11.0.0-q35.x86_64+sgx.xml"));
        var older = DomainCapabilitiesParser.Parse(TestEnvironment.ReadCorpusFile("domaincaps", "qemu_5.2.0-q35.x86_64.xml"));
        var host = HostCapabilitiesParser.Parse(Fakes.RecordedLibvirt.Fixture("hostcaps.xml"));
        var inventory = GroupInventory.Of([Snapshot("new", host, newer), Snapshot("old", host, older)]);

        // qemu 11 lists EPYC (canonical EPYC-v1) and EPYC-v1: one row for that host. libvirt 10.7 gives qemu 5.2
        // no canonical names, so its EPYC stays a row of its own: the key is only what libvirt says.
        Assert.Equal(1, Assert.Single(inventory.CpuModels, m => m.Model == "EPYC").UsableHosts);
        Assert.Equal(0, Assert.Single(inventory.CpuModels, m => m.Model == "EPYC-v1").UsableHosts);

        // qemu 5.2 marks Icelake-Client deprecated; it is still listed, with its mark.
        var icelake = Assert.Single(inventory.CpuModels, m => m.Model == "Icelake-Client");
        Assert.Equal(1, icelake.DeprecatedHosts);
        Assert.Equal(0, icelake.UsableHosts);

        var models = older.Cpu.CustomModels.Select(m => m.Canonical ?? m.Name).Union(newer.Cpu.CustomModels.Select(m => m.Canonical ?? m.Name)).Count();
        Assert.Equal(models, inventory.CpuModels.Count(m => m.Arch == "x86_64"));
        Assert.Equal(2, Assert.Single(inventory.Hosts, h => h.Arch == "x86_64").Hosts);
        Assert.Equal(2, Assert.Single(inventory.MachineTypes, m => m.Arch == "x86_64" && m.Machine == "pc-q35-7.2").Hosts);
    }

    private static TargetSnapshot Snapshot(string name, Libvirt.Capabilities.Model.HostCapabilities host, Libvirt.Capabilities.Model.DomainCapabilities caps) =>
        new(name, DateTimeOffset.UnixEpoch, TimeSpan.Zero, null, host, [new Collection.CollectedDomainCaps(Collection.DomainCapsCombination.Of(caps), caps)], []);
}
