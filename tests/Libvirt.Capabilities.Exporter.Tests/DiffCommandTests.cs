using System.Text.Json;
using System.Xml.Linq;
using Libvirt.Capabilities.Exporter.Cli;
using Libvirt.Capabilities.Exporter.Tests.Oracle;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// <c>diff</c> of two single documents reports, in its JSON, exactly the changes of the facts the test computes
/// from the same files (<see cref="OracleFacts"/>): every family, nothing filtered; a document against itself is identical.
/// </summary>
public sealed class DiffCommandTests
{
    public static TheoryData<string, string> DomainCapsPairs() => ReplayPairs.DomainCaps();

    public static TheoryData<string, string> HostCapsPairs() => ReplayPairs.HostCaps;

    [Theory]
    [MemberData(nameof(DomainCapsPairs))]
    public void Reports_what_an_independent_diff_finds(string before, string after)
    {
        var (oldPath, newPath) = (ReplayPairs.PathOf("domaincaps", before), ReplayPairs.PathOf("domaincaps", after));

        // Two single documents are one combination, named after the newer document: its emulator, arch, machine and domain type.
        var newer = XDocument.Load(newPath).Root!;
        var combination = new DomainCapsOracle.Combination(
            newer.Element("path")?.Value.Trim() ?? "", newer.Element("arch")!.Value.Trim(), newer.Element("machine")?.Value.Trim() ?? "default", newer.Element("domain")!.Value.Trim());
        var (oldFacts, newFacts) = (new OracleFacts(), new OracleFacts());
        DomainCapsOracle.Add(oldFacts, XDocument.Load(oldPath), combination);
        DomainCapsOracle.Add(newFacts, XDocument.Load(newPath), combination);

        AssertReports(OracleFacts.Diff(oldFacts, newFacts), oldPath, newPath);
    }

    [Theory]
    [MemberData(nameof(HostCapsPairs))]
    public void Reports_what_an_independent_diff_finds_between_hosts(string before, string after)
    {
        var (oldPath, newPath) = (ReplayPairs.PathOf("hostcaps", before), ReplayPairs.PathOf("hostcaps", after));
        AssertReports(OracleFacts.Diff(DriftReplayTests.HostFacts(File.ReadAllText(oldPath)), DriftReplayTests.HostFacts(File.ReadAllText(newPath))), oldPath, newPath);
    }

    /// <summary>capture of the host before and after the upgrade (as the live replay serves it), then diff of the two captures.</summary>
    [Theory]
    [MemberData(nameof(DomainCapsPairs))]
    public void Captures_of_an_upgrade_differ_by_what_an_independent_diff_finds(string before, string after)
    {
        var (beforeXml, afterXml) = (File.ReadAllText(ReplayPairs.PathOf("domaincaps", before)), File.ReadAllText(ReplayPairs.PathOf("domaincaps", after)));
        var (oldCapture, newCapture) = (Capture(beforeXml), Capture(afterXml));
        try
        {
            AssertReports(OracleFacts.Diff(DriftReplayTests.OfferedFacts(beforeXml), DriftReplayTests.OfferedFacts(afterXml)), oldCapture, newCapture);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(oldCapture)!, recursive: true);
            Directory.Delete(Path.GetDirectoryName(newCapture)!, recursive: true);
        }
    }

    private static string Capture(string domcapsXml)
    {
        var libvirt = new Fakes.RecordedLibvirt { HostXml = DriftReplayTests.HostOffering(domcapsXml), DomainCapsXml = (_, _, _, _) => domcapsXml };
        var directory = Path.Combine(Directory.CreateTempSubdirectory("lce-capture-").FullName, "capture");
        using var stderr = new StringWriter();
        var exit = CaptureCommand.Create(libvirt, new StringWriter(), stderr).Parse(["--uri", "qemu+tcp://recorded/system", directory])
            .Invoke(new System.CommandLine.InvocationConfiguration { Output = new StringWriter(), Error = stderr });
        Assert.True(exit == 0, stderr.ToString());
        return directory;
    }

    [Fact]
    public void A_document_against_itself_is_identical()
    {
        var path = Path.Combine(TestEnvironment.RequireCorpus(), "domaincaps", "qemu_7.0.0-q35.x86_64.xml");
        Assert.Equal((DiffCommand.Identical, "[]"), (Run("--format", "json", path, path).Exit, Run("--format", "json", path, path).Stdout.Trim()));
        Assert.Equal((DiffCommand.Identical, ""), (Run(path, path).Exit, Run(path, path).Stdout));
    }

    [Fact]
    public void Documents_of_different_kinds_are_an_error()
    {
        var host = TestEnvironment.FixturePath("debian12-libvirt9.0-qemu7.2", "hostcaps.xml");
        var domain = TestEnvironment.FixturePath("debian12-libvirt9.0-qemu7.2", "domcaps-x86_64-kvm-q35.xml");
        var (exit, stdout, stderr) = Run(host, domain);
        Assert.Equal((DiffCommand.Error, ""), (exit, stdout));
        Assert.Contains("is <capabilities> but", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_cannot_name_a_file_outside_its_capture()
    {
        var capture = Directory.CreateTempSubdirectory("lce-capture-").FullName;
        File.WriteAllText(Path.Combine(capture, CaptureManifest.FileName), """
            {"version":1,"uri":"x","capturedAt":"2026-01-01T00:00:00Z","hostCapabilities":"../../etc/passwd","combinations":[],"defaultMachines":[]}
            """);
        var (exit, _, stderr) = Run(capture, capture);
        Assert.Equal(DiffCommand.Error, exit);
        Assert.Contains("not a file of the capture", stderr, StringComparison.Ordinal);
    }

    private static void AssertReports(List<string> expected, string oldPath, string newPath)
    {
        var (exit, stdout, stderr) = Run("--format", "json", oldPath, newPath);
        Assert.True(exit == DiffCommand.Different, stderr);
        using var json = JsonDocument.Parse(stdout);
        var reported = json.RootElement.EnumerateArray().Select(Describe).ToList();
        Assert.NotEmpty(expected);
        OracleAssert.SameChanges(expected, reported);
    }

    /// <summary>A change of the JSON in the oracle's form: the same family, change, kind, labels and values, laid out as one line.</summary>
    private static string Describe(JsonElement change) =>
        OracleFacts.Line(
            change.GetProperty("change").GetString()!,
            change.GetProperty("kind").GetString()!,
            change.GetProperty("family").GetString()!,
            change.GetProperty("labels").EnumerateObject().Select(l => (l.Name, l.Value.GetString()!)),
            change.GetProperty("old").GetString(),
            change.GetProperty("new").GetString());

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = DiffCommand.Invoke(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
