using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// The rendered exposition of the project's own fixtures (captured from a real libvirtd) is the metric
/// contract. UPDATE_GOLDEN=1 rewrites the files; review their diff like code.
/// </summary>
public sealed class GoldenExpositionTests
{
    private const string Fixtures = "debian12-libvirt9.0-qemu7.2";

    [Theory]
    [InlineData("--capabilities", "hostcaps.xml")]
    [InlineData("--domcaps", "domcaps-x86_64-kvm-q35.xml")]
    [InlineData("--domcaps", "domcaps-aarch64-qemu-virt.xml")]
    public void Render_output_matches_the_golden_file(string option, string fixture)
    {
        var result = RenderRunner.Run(option, TestEnvironment.FixturePath(Fixtures, fixture), "--target", "fixture");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var golden = TestEnvironment.FixturePath(Fixtures, Path.ChangeExtension(fixture, ".metrics.txt"));
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, result.Stdout);
        }

        Assert.Equal(File.ReadAllText(golden), result.Stdout);
        Promtool.AssertValid(result.Stdout);
    }
}
