using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;
using Libvirt.Capabilities.Exporter.Tests.Fakes;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// A poll parses only documents that differ from the last poll's answer to the same request; an identical one
/// reuses its model (the same object), and a changed one is parsed again and says what the new bytes say.
/// </summary>
public sealed class ParsedDocumentReuseTests
{
    private readonly RecordedLibvirt libvirt = new();
    private readonly TargetCollector collector = new(new HealthMetrics(), TimeProvider.System);

    [Fact]
    public void Identical_documents_reuse_their_models_and_a_changed_one_is_parsed_again()
    {
        using var connection = libvirt.Open(new ConnectionSettings("qemu+tcp://recorded/system"));
        var first = collector.Collect("t1", connection, new MachineSelection());
        var second = collector.Collect("t1", connection, new MachineSelection());

        Assert.Empty(second.Errors);
        Assert.Same(first.Host, second.Host);
        Assert.Equal(first.DomainCaps.Count, second.DomainCaps.Count);
        Assert.All(first.DomainCaps.Zip(second.DomainCaps), pair => Assert.Same(pair.First.Caps, pair.Second.Caps));

        // aarch64 answers differently now: its documents are parsed anew, the x86 ones are still reused.
        var recorded = libvirt.DomainCapsXml;
        libvirt.DomainCapsXml = (emulator, arch, machine, virtType) => arch == "aarch64"
            ? recorded(emulator, arch, machine, virtType).Replace("<backup supported='yes'/>", "<backup supported='no'/>", StringComparison.Ordinal)
            : recorded(emulator, arch, machine, virtType);
        var third = collector.Collect("t1", connection, new MachineSelection());

        Assert.Same(second.Host, third.Host);
        Assert.Contains(third.DomainCaps, c => c.Combination.Arch == "aarch64");
        foreach (var (before, after) in second.DomainCaps.Zip(third.DomainCaps))
        {
            Assert.Equal(before.Combination, after.Combination);
            if (after.Combination.Arch == "aarch64")
            {
                Assert.NotSame(before.Caps, after.Caps);
                Assert.False(after.Caps.Features.Single(f => f.Name == "backup").Supported);
            }
            else
            {
                Assert.Same(before.Caps, after.Caps);
            }
        }
    }
}
