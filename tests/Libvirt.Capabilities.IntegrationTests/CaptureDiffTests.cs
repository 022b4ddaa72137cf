using System.Text.Json;
using Libvirt.Capabilities.Exporter.Cli;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary><c>capture</c> against the real libvirtd, then <c>diff</c>: the same daemon twice is identical; an injected change is found.</summary>
public sealed class CaptureDiffTests
{
    [Fact]
    public void Two_captures_of_the_same_daemon_are_identical_and_an_injected_change_is_reported()
    {
        using var probe = Libvirtd.Open(Libvirtd.System);
        var root = Directory.CreateTempSubdirectory("lce-capture-").FullName;
        var (first, second) = (Path.Combine(root, "before"), Path.Combine(root, "after"));
        Assert.Equal(0, Capture(Libvirtd.System, first));
        Assert.Equal(0, Capture(Libvirtd.Tcp, second));

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, CaptureManifest.FileName)));
        var combinations = manifest.RootElement.GetProperty("combinations").EnumerateArray().ToList();
        Assert.Contains(combinations, c => c.GetProperty("machine").GetString() == "q35" && c.GetProperty("resolvedMachine").GetString()!.StartsWith("pc-q35-", StringComparison.Ordinal));
        Assert.All(combinations, c => Assert.True(File.Exists(Path.Combine(first, c.GetProperty("file").GetString()!))));
        Assert.Equal(0, Diff(first, second).Exit);

        // A QEMU upgrade in miniature: the alias q35 now resolves to another machine. That is one change, not a
        // removal and re-addition of every series of the combination.
        var q35 = Path.Combine(second, combinations.First(c => c.GetProperty("machine").GetString() == "q35" && c.GetProperty("arch").GetString() == "x86_64").GetProperty("file").GetString()!);
        File.WriteAllText(q35, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(q35), "<machine>[^<]+</machine>", "<machine>pc-q35-99.0</machine>"));
        var (exit, stdout) = Diff(first, second);
        Assert.Equal(DiffCommand.Different, exit);
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("changed libvirt_domcaps_info{", line, StringComparison.Ordinal);
        Assert.Contains("machine=\"q35\"", line, StringComparison.Ordinal);
        Assert.EndsWith("resolved_machine=\"pc-q35-99.0\",resolved_emulator=\"/usr/bin/qemu-system-x86_64\"", line, StringComparison.Ordinal);
    }

    private static int Capture(string uri, string directory)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = CaptureCommand.Create(new Libvirt.Capabilities.Connection.LibvirtConnector(), stdout, stderr)
            .Parse(["--uri", uri, directory]).Invoke(new System.CommandLine.InvocationConfiguration { Output = stdout, Error = stderr });
        Assert.True(exit == 0, stderr.ToString());
        return exit;
    }

    private static (int Exit, string Stdout) Diff(string older, string newer)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = DiffCommand.Invoke([older, newer], stdout, stderr);
        return (exit, stdout.ToString());
    }
}
