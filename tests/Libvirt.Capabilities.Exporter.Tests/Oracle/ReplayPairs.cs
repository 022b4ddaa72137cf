using System.Text.RegularExpressions;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests.Oracle;

/// <summary>
/// Upgrade pairs from libvirt's corpus. Domain capabilities: each QEMU version of a series (same machine
/// variant and arch) with the next one. Host capabilities: the corpus has no same-host upgrade, so real
/// documents of related hosts (a KVM host and a newer full one, the x86_64 topology variants). Names under
/// <c>oracle/</c> are synthetic documents in tests/fixtures/oracle that hold every family at once.
/// </summary>
internal static partial class ReplayPairs
{
    public static readonly TheoryData<string, string> HostCaps = new()
    {
        { "capabilityschemadata__caps-qemu-kvm.xml", "capabilityschemadata__caps-qemu-real-full.xml" },
        { "capabilityschemadata__caps-test2.xml", "capabilityschemadata__caps-test3.xml" },
        { "vircaps2xmldata__vircaps-x86_64-basic.xml", "vircaps2xmldata__vircaps-x86_64-basic-dies.xml" },
        { "vircaps2xmldata__vircaps-x86_64-basic.xml", "vircaps2xmldata__vircaps-x86_64-caches.xml" },
        { "vircaps2xmldata__vircaps-x86_64-caches.xml", "vircaps2xmldata__vircaps-x86_64-resctrl.xml" },
        { "vircaps2xmldata__vircaps-x86_64-resctrl.xml", "vircaps2xmldata__vircaps-x86_64-resctrl-skx.xml" },
        { "vircaps2xmldata__vircaps-x86_64-basic.xml", "vircaps2xmldata__vircaps-x86_64-hmat.xml" },
        { "vircaps2xmldata__vircaps-x86_64-hmat.xml", "vircaps2xmldata__vircaps-aarch64-basic.xml" },
        { "oracle/hostcaps-minimal.xml", "oracle/hostcaps-newer.xml" },
    };

    /// <summary>The path of a pair's document: a corpus file of <paramref name="kind"/> (domaincaps, hostcaps) or a synthetic fixture.</summary>
    public static string PathOf(string kind, string name) =>
        name.StartsWith("oracle/", StringComparison.Ordinal)
            ? TestEnvironment.FixturePath("oracle", name["oracle/".Length..])
            : Path.Combine(TestEnvironment.RequireCorpus(), kind, name);

    /// <summary>Consecutive QEMU versions of each series (qemu_VERSION[-VARIANT].ARCH[+EXTRA].xml).</summary>
    public static TheoryData<string, string> DomainCaps()
    {
        var pairs = new TheoryData<string, string> { { "oracle/domcaps-minimal.xml", "oracle/domcaps-newer.xml" } };
        var series = TestEnvironment.CorpusFiles("domaincaps")
            .Select(f => (File: f, Match: QemuFile().Match(f)))
            .Where(f => f.Match.Success)
            .GroupBy(f => f.Match.Groups["variant"].Value + "." + f.Match.Groups["arch"].Value);
        foreach (var versions in series)
        {
            var ordered = versions.OrderBy(f => Version.Parse(f.Match.Groups["version"].Value)).Select(f => f.File).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                pairs.Add(ordered[i - 1], ordered[i]);
            }
        }

        if (pairs.Count == 1)
        {
            pairs.Add(CorpusCases.Missing, CorpusCases.Missing); // fails in CI, skips elsewhere, through RequireCorpus
        }

        return pairs;
    }

    [GeneratedRegex(@"^qemu_(?<version>\d+\.\d+\.\d+)(-(?<variant>[a-z0-9-]+))?\.(?<arch>[a-z0-9_]+)(\+[a-z0-9]+)?\.xml$")]
    private static partial Regex QemuFile();
}
