using System.Xml.Linq;
using System.Xml.XPath;
using Libvirt.Capabilities.Parsing;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Tests;

/// <summary>Every host-capabilities document of libvirt's test suite parses, checked against XPath counts.</summary>
public sealed class HostCapabilitiesCorpusTests
{
    [Theory]
    [MemberData(nameof(CorpusCases.HostCaps), MemberType = typeof(CorpusCases))]
    public void Parses_every_element_the_document_holds(string file)
    {
        TestEnvironment.RequireCorpus();
        var xml = TestEnvironment.ReadCorpusFile("hostcaps", file);
        var doc = XDocument.Parse(xml);
        var caps = HostCapabilitiesParser.Parse(xml);

        Assert.Equal(XPath.Count(doc, "/capabilities/guest"), caps.Guests.Count);
        Assert.Equal(XPath.Count(doc, "/capabilities/guest//machine"), caps.Guests.Sum(g => g.Machines.Count + g.Domains.Sum(d => d.Machines.Count)));
        Assert.Equal(XPath.Count(doc, "/capabilities/guest/arch/domain"), caps.Guests.Sum(g => g.Domains.Count));
        Assert.Equal(XPath.Count(doc, "/capabilities/guest/features/*"), caps.Guests.Sum(g => g.Features.Count));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/cpu/feature"), caps.Host.Cpu.Features.Count);
        Assert.Equal(XPath.Count(doc, "/capabilities/host/cpu/pages"), caps.Host.Cpu.PageSizesBytes.Count);
        Assert.Equal(XPath.Count(doc, "/capabilities/host/topology/cells/cell"), caps.Host.NumaCells.Count);
        Assert.Equal(XPath.Count(doc, "/capabilities/host/topology/cells/cell/pages"), caps.Host.NumaCells.Sum(c => c.Pages.Count));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/topology/cells/cell/distances/sibling"), caps.Host.NumaCells.Sum(c => c.Distances.Count));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/cache/bank"), caps.Host.CacheBanks.Count);
        Assert.Equal(XPath.Count(doc, "/capabilities/host/secmodel"), caps.Host.SecurityModels.Count);
        Assert.Equal(XPath.Count(doc, "/capabilities/host/secmodel/baselabel"), caps.Host.SecurityModels.Sum(s => s.BaseLabels.Count));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/migration_features/uri_transports/uri_transport"), caps.Host.Migration?.UriTransports.Count ?? 0);
        Assert.Equal(XPath.Count(doc, "/capabilities/host/power_management/*"), caps.Host.PowerManagement.Count);
        Assert.Equal(doc.XPathSelectElement("/capabilities/host/cpu/arch")?.Value, caps.Host.Cpu.Arch);
        Assert.Equal(XPath.Count(doc, "/capabilities/host/cache/bank/control"), caps.Host.CacheBanks.Sum(b => b.Controls.Count));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/memory_bandwidth/node"), caps.Host.MemoryBandwidth.Count);
        Assert.Equal(XPath.Count(doc, "/capabilities/host/*/monitor"), caps.Host.Monitors.Count);
        Assert.Equal(XPath.Count(doc, "/capabilities/host/*/monitor/feature"), caps.Host.Monitors.Sum(m => m.Features.Count));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/topology/interconnects/*"), caps.Host.Interconnects.Count);
        Assert.Equal(XPath.Count(doc, "/capabilities/host/topology/cells/cell/cache"), caps.Host.NumaCells.Sum(c => c.Caches.Count));
        Assert.Equal(XPath.Count(doc, "/capabilities/guest/arch/loader"), caps.Guests.Count(g => g.Loader is not null));
        Assert.Equal(XPath.Count(doc, "/capabilities/host/topology/cells/cell/cpus/cpu"), caps.Host.NumaCells.Sum(c => c.Cpus.Count));
    }

    [Fact]
    public void Converts_memory_and_page_sizes_to_bytes()
    {
        var caps = HostCapabilitiesParser.Parse(
            """
            <capabilities><host><cpu><arch>x86_64</arch><pages unit='KiB' size='2048'/></cpu>
              <topology><cells num='1'><cell id='0'><memory unit='KiB'>1024</memory><pages unit='KiB' size='4'>10</pages><cpus num='2'/></cell></cells></topology>
              <cache><bank id='0' level='3' type='both' size='16' unit='MiB' cpus='0-1'/></cache>
            </host></capabilities>
            """);

        Assert.Equal([2048UL * 1024], caps.Host.Cpu.PageSizesBytes);
        var cell = Assert.Single(caps.Host.NumaCells);
        Assert.Equal(1024UL * 1024, cell.MemoryBytes);
        Assert.Equal(4096UL, Assert.Single(cell.Pages).SizeBytes);
        Assert.Equal(2U, cell.CpuCount);
        Assert.Equal(16UL * 1024 * 1024, Assert.Single(caps.Host.CacheBanks).SizeBytes);
    }
}
