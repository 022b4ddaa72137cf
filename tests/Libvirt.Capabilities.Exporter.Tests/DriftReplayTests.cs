using System.Xml.Linq;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Libvirt.Capabilities.Exporter.Tests.Oracle;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// Replays real upgrade pairs from libvirt's corpus through the live poll path. Domain capabilities: a host
/// whose alias (q35, pc, virt, ...) moves to the new version's machine, answering with the recorded documents.
/// Host capabilities: a host whose capabilities document is replaced by another real one. Every change the
/// exporter reports, as reported (no filtering, no netting), must equal the diff of facts the test computes
/// from the XML itself (<see cref="OracleFacts"/>), live and after a restart against the persisted snapshot; the
/// machine rename is one change of libvirt_domcaps_info.
/// </summary>
public sealed class DriftReplayTests
{
    public static TheoryData<string, string> DomainCapsPairs() => ReplayPairs.DomainCaps();

    public static TheoryData<string, string> HostCapsPairs() => ReplayPairs.HostCaps;

    [Theory]
    [MemberData(nameof(DomainCapsPairs))]
    public async Task Reported_domain_changes_match_an_independent_diff(string before, string after)
    {
        var beforeXml = File.ReadAllText(ReplayPairs.PathOf("domaincaps", before));
        var afterXml = File.ReadAllText(ReplayPairs.PathOf("domaincaps", after));
        using var harness = new PollerHarness();
        var current = beforeXml;
        harness.Libvirt.HostXml = HostOffering(beforeXml);
        harness.Libvirt.DomainCapsXml = (_, _, _, _) => current;
        var poller = harness.Poller();

        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.Empty(harness.Changes.Recent());
        var fingerprintsBefore = Fingerprints(harness.Scrape());
        var restartState = CopyOf(harness.StateDirectory);
        current = afterXml;
        harness.Libvirt.HostXml = HostOffering(afterXml);
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);

        var expected = OracleFacts.Diff(OfferedFacts(beforeXml), OfferedFacts(afterXml));
        var reported = harness.Changes.Recent().Select(Describe).ToList();
        Assert.NotEmpty(expected);
        OracleAssert.SameChanges(expected, reported);
        AssertFingerprintsFollow(expected, fingerprintsBefore, Fingerprints(harness.Scrape()));
        AssertCounted(expected, harness.Scrape());
        OracleAssert.SameChanges(expected, await AfterRestartAsync(restartState, HostOffering(afterXml), afterXml));

        // Reported once: polling the upgraded host again adds nothing.
        var count = harness.Changes.Recent().Count;
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.Equal(count, harness.Changes.Recent().Count);
    }

    [Theory]
    [MemberData(nameof(HostCapsPairs))]
    public async Task Reported_host_changes_match_an_independent_diff(string before, string after)
    {
        var beforeXml = File.ReadAllText(ReplayPairs.PathOf("hostcaps", before));
        var afterXml = File.ReadAllText(ReplayPairs.PathOf("hostcaps", after));
        using var harness = new PollerHarness(changeLogCapacity: 100_000);
        harness.Libvirt.HostXml = beforeXml;
        harness.Libvirt.DomainError = Fakes.RecordedLibvirt.NotSupported("virConnectGetDomainCapabilities"); // host facts only
        var poller = harness.Poller();

        await poller.PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.Empty(harness.Changes.Recent());
        var fingerprintsBefore = Fingerprints(harness.Scrape());
        var restartState = CopyOf(harness.StateDirectory);
        harness.Libvirt.HostXml = afterXml;
        await poller.PollOnceAsync(TestContext.Current.CancellationToken);

        var expected = OracleFacts.Diff(HostFacts(beforeXml), HostFacts(afterXml));
        var reported = harness.Changes.Recent().Select(Describe).ToList();
        Assert.NotEmpty(expected);
        OracleAssert.SameChanges(expected, reported);
        AssertFingerprintsFollow(expected, fingerprintsBefore, Fingerprints(harness.Scrape()));
        AssertCounted(expected, harness.Scrape());
        OracleAssert.SameChanges(expected, await AfterRestartAsync(restartState, afterXml, null));
    }

    /// <summary>
    /// An exporter restarted on the upgraded host: its first poll compares with the snapshot persisted before the
    /// upgrade. Returns the changes it reports. Without a domain document, domain capabilities are not supported.
    /// </summary>
    private static async Task<List<string>> AfterRestartAsync(string stateDirectory, string hostXml, string? domcapsXml)
    {
        using var restarted = new PollerHarness(stateDirectory, changeLogCapacity: 100_000);
        restarted.Libvirt.HostXml = hostXml;
        if (domcapsXml is null)
        {
            restarted.Libvirt.DomainError = Fakes.RecordedLibvirt.NotSupported("virConnectGetDomainCapabilities");
        }
        else
        {
            restarted.Libvirt.DomainCapsXml = (_, _, _, _) => domcapsXml;
        }

        try
        {
            await restarted.Poller().PollOnceAsync(TestContext.Current.CancellationToken);
            return [.. restarted.Changes.Recent().Select(Describe)];
        }
        finally
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    private static string CopyOf(string directory)
    {
        var copy = Directory.CreateTempSubdirectory("lce-state-").FullName;
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    /// <summary>
    /// The host HostOffering describes plus the one combination it offers (asked by alias, or as libvirt's
    /// default when the machine has none) and libvirt's default machine for it.
    /// </summary>
    internal static OracleFacts OfferedFacts(string domcapsXml)
    {
        var facts = HostFacts(HostOffering(domcapsXml));
        var doc = XDocument.Parse(domcapsXml);
        var (emulator, arch, machine, virtType) = (Text(doc, "path"), Text(doc, "arch"), Text(doc, "machine"), Text(doc, "domain"));
        DomainCapsOracle.Add(facts, doc, new DomainCapsOracle.Combination(emulator, arch, AliasOf(machine) ?? "default", virtType));
        facts.Add("libvirt_domcaps_default_machine_info", 1, [("emulator", emulator), ("arch", arch), ("virt_type", virtType)], [("machine", machine)]);
        return facts;
    }

    internal static OracleFacts HostFacts(string hostXml)
    {
        var facts = new OracleFacts();
        HostCapsOracle.Add(facts, XDocument.Parse(hostXml));
        return facts;
    }

    /// <summary>A host with the document's emulator, its machine, and the alias QEMU gives it (none for unversioned machines).</summary>
    internal static string HostOffering(string domcapsXml)
    {
        var doc = XDocument.Parse(domcapsXml);
        var (arch, machine) = (Text(doc, "arch"), Text(doc, "machine"));
        var alias = AliasOf(machine);
        return $"""
            <capabilities><host><cpu><arch>{arch}</arch></cpu></host>
              <guest><os_type>hvm</os_type><arch name='{arch}'><emulator>{Text(doc, "path")}</emulator>
                <machine>{machine}</machine>{(alias is null ? "" : $"<machine canonical='{machine}'>{alias}</machine>")}
                <domain type='{Text(doc, "domain")}'/></arch></guest>
            </capabilities>
            """;
    }

    /// <summary>The alias QEMU gives a versioned machine type (pc-q35-7.0 is q35), null for an unversioned one.</summary>
    private static string? AliasOf(string machine) => machine switch
    {
        _ when machine.StartsWith("pc-q35-", StringComparison.Ordinal) => "q35",
        _ when machine.StartsWith("pc-i440fx-", StringComparison.Ordinal) => "pc",
        _ when machine.StartsWith("virt-", StringComparison.Ordinal) => "virt",
        _ when machine.StartsWith("pseries-", StringComparison.Ordinal) => "pseries",
        _ when machine.StartsWith("s390-ccw-virtio-", StringComparison.Ordinal) => "s390-ccw-virtio",
        _ => null,
    };

    private static string Text(XDocument doc, string element) => doc.Root!.Element(element)?.Value.Trim() ?? "";

    /// <summary>A reported change in the oracle's form: the same family, change, kind, labels and values, only laid out as one line.</summary>
    private static string Describe(CapabilityChange change) =>
        OracleFacts.Line(change.Change, change.Kind, change.Family, change.Labels.Select(l => (l.Key, l.Value)), change.Old, change.New);

    /// <summary>libvirt_capabilities_changes_total counts the same changes, by scope, change and kind.</summary>
    private static void AssertCounted(List<string> changes, string exposition)
    {
        var expected = changes
            .Select(c => c.Split(' '))
            .GroupBy(c => $"scope=\"{c[2].Split('{')[0]["libvirt_".Length..]}\",change=\"{c[0]}\",kind=\"{c[1]}\"")
            .Select(g => $"{g.Key} {g.Count()}");
        var counted = RenderRunner.SeriesLines(exposition)
            .Where(l => l.StartsWith("libvirt_capabilities_changes_total{", StringComparison.Ordinal))
            .Select(l => l.Replace("libvirt_capabilities_changes_total{target=\"t1\",", "", StringComparison.Ordinal).Replace("} ", " ", StringComparison.Ordinal));
        Assert.Equal(expected.Order(StringComparer.Ordinal), counted.Order(StringComparer.Ordinal));
    }

    /// <summary>Fingerprint series of an exposition: the host's, and one per combination, keyed by their labels without the hash.</summary>
    private static Dictionary<string, string> Fingerprints(string exposition) =>
        RenderRunner.SeriesLines(exposition)
            .Where(l => l.StartsWith("libvirt_host_capabilities_fingerprint_info{", StringComparison.Ordinal) || l.StartsWith("libvirt_domcaps_fingerprint_info{", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, "^(?<series>.*)fingerprint=\"(?<hash>[0-9a-f]+)\""))
            .ToDictionary(m => m.Groups["series"].Value, m => m.Groups["hash"].Value, StringComparer.Ordinal);

    /// <summary>
    /// A fingerprint changes exactly when a fact it covers changed: the host's covers every host, guest and
    /// default-machine fact but memory, NUMA and caches (docs/metrics.md); a combination's covers its domcaps facts.
    /// </summary>
    private static void AssertFingerprintsFollow(List<string> changes, Dictionary<string, string> before, Dictionary<string, string> after)
    {
        string[] hostExcluded = ["libvirt_host_numa_", "libvirt_host_cache_", "libvirt_host_memory_bandwidth_", "libvirt_host_resource_monitor_"];
        var families = changes.Select(c => c.Split(' ')[2].Split('{')[0]).ToList();
        var hostChanged = families.Any(f => (!f.StartsWith("libvirt_domcaps_", StringComparison.Ordinal) || f == "libvirt_domcaps_default_machine_info")
            && !hostExcluded.Any(p => f.StartsWith(p, StringComparison.Ordinal)));
        var hostKey = Assert.Single(before.Keys, k => k.StartsWith("libvirt_host_", StringComparison.Ordinal));
        Assert.Equal(hostChanged, before[hostKey] != after[hostKey]);
        foreach (var combination in before.Keys.Where(k => k.StartsWith("libvirt_domcaps_", StringComparison.Ordinal) && after.ContainsKey(k)))
        {
            var combinationChanged = families.Any(f => f.StartsWith("libvirt_domcaps_", StringComparison.Ordinal) && f != "libvirt_domcaps_default_machine_info");
            Assert.Equal(combinationChanged, before[combination] != after[combination]);
        }
    }
}
