using System.Text.Json;
using Libvirt.Capabilities.Exporter.Cli;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// <c>diff</c> of two single documents reports, in its JSON, what the independent XPath diff of
/// <see cref="DriftReplayTests"/> finds between the same files; a document against itself is identical.
/// </summary>
public sealed class DiffCommandTests
{
    [Theory]
    [InlineData("qemu_5.0.0-virt.riscv64.xml", "qemu_5.2.0-virt.riscv64.xml")]
    [InlineData("qemu_6.2.0-q35.x86_64.xml", "qemu_7.0.0-q35.x86_64.xml")]
    [InlineData("qemu_8.1.0-tcg.x86_64.xml", "qemu_8.2.0-tcg.x86_64.xml")]
    [InlineData("qemu_7.0.0-virt.aarch64.xml", "qemu_8.2.0-virt.aarch64.xml")]
    public void Reports_what_an_independent_diff_finds(string before, string after)
    {
        var corpus = TestEnvironment.RequireCorpus();
        var (oldPath, newPath) = (Path.Combine(corpus, "domaincaps", before), Path.Combine(corpus, "domaincaps", after));
        var (exit, stdout, stderr) = Run("--format", "json", oldPath, newPath);

        Assert.True(exit == DiffCommand.Different, stderr);
        using var json = JsonDocument.Parse(stdout);
        var reported = json.RootElement.EnumerateArray()
            .Where(c => DriftReplayTests.OracleScopes.Contains(c.GetProperty("family").GetString()!["libvirt_".Length..]))
            .Select(Describe)
            .ToList();
        var expected = DriftReplayTests.Diff(DriftReplayTests.Facts(File.ReadAllText(oldPath)), DriftReplayTests.Facts(File.ReadAllText(newPath)));
        Assert.Equal(expected.Order(StringComparer.Ordinal), reported.Order(StringComparer.Ordinal));
        Assert.All(json.RootElement.EnumerateArray(), c => Assert.True(
            c.GetProperty("change").GetString() switch
            {
                "added" => c.GetProperty("old").ValueKind == JsonValueKind.Null,
                "removed" => c.GetProperty("new").ValueKind == JsonValueKind.Null,
                _ => c.GetProperty("old").ValueKind == JsonValueKind.String && c.GetProperty("new").ValueKind == JsonValueKind.String,
            }));
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

    private static string Describe(JsonElement change)
    {
        var own = change.GetProperty("labels").EnumerateObject()
            .Where(l => l.Name is not ("emulator" or "arch" or "machine" or "virt_type"))
            .Select(l => l.Value.GetString());
        return $"{change.GetProperty("change").GetString()} {change.GetProperty("family").GetString()!["libvirt_".Length..]}|{string.Join('|', own)}";
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = DiffCommand.Invoke(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
