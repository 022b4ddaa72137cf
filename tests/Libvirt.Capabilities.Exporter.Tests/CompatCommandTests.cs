using System.Text.Json;
using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Cli;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// <c>compat</c>'s contract (arguments, output shape, exit codes) with a recorded libvirt. The answers themselves
/// are checked against virsh and the real libvirtd in the integration tests.
/// </summary>
public sealed class CompatCommandTests
{
    private static readonly string Fixture = TestEnvironment.FixturePath(RecordedLibvirt.FixtureSet, "domcaps-x86_64-kvm-q35.xml");

    private readonly RecordedLibvirt libvirt = new();

    [Fact]
    public void Json_is_an_array_with_every_key_and_exit_0_when_all_are_compatible()
    {
        libvirt.CompareCpu = (_, arch, _, virtType, xml) =>
            arch == "x86_64" && virtType == "kvm" && xml.Contains("<model fallback=\"forbid\">kvm64</model>", StringComparison.Ordinal) ? CpuComparison.Superset : CpuComparison.Incompatible;
        var (exitCode, stdout, _) = Run("--uri", "qemu+tcp://recorded/system", "--format", "json", Fixture);

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(stdout);
        var item = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(["file", "outcome", "result", "blockers", "message"], item.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Fixture, item.GetProperty("file").GetString());
        Assert.Equal("compatible", item.GetProperty("outcome").GetString());
        Assert.Equal("superset", item.GetProperty("result").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("message").ValueKind);
    }

    [Fact]
    public void Exit_1_when_any_is_incompatible_or_unknown_with_the_message_in_text()
    {
        var answers = new Queue<Func<CpuComparison>>([
            () => CpuComparison.Identical,
            () => throw new LibvirtException("virConnectCompareHypervisorCPU", 91, 12, "the CPU is incompatible with host CPU: Host CPU does not provide required features: pku"),
            () => throw new LibvirtException("virConnectCompareHypervisorCPU", 1, 31, "internal error: Unknown CPU feature lfence-always-serializing"),
        ]);
        libvirt.CompareCpu = (_, _, _, _, _) => answers.Dequeue()();
        var (exitCode, stdout, _) = Run("--uri", "qemu:///system", Fixture, Fixture, Fixture);

        Assert.Equal(1, exitCode);
        Assert.Equal(
            [
                $"{Fixture}: compatible (identical)",
                $"{Fixture}: incompatible: the CPU is incompatible with host CPU: Host CPU does not provide required features: pku",
                $"{Fixture}: unknown: internal error: Unknown CPU feature lfence-always-serializing",
            ],
            stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("--uri", "qemu:///system")]
    [InlineData("--uri", "qemu:///system", "--format", "yaml", "FILE")]
    [InlineData("--uri", "qemu:///system", "/nonexistent.xml")]
    [InlineData("--uri", "qemu:///system", "HOSTCAPS")]
    [InlineData("FILE")]
    public void Usage_and_input_errors_exit_2_without_asking_libvirt(params string[] args)
    {
        args = [.. args.Select(a => a switch
        {
            "FILE" => Fixture,
            "HOSTCAPS" => TestEnvironment.FixturePath(RecordedLibvirt.FixtureSet, "hostcaps.xml"),
            _ => a,
        })];
        var (exitCode, stdout, stderr) = Run(args);

        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Equal(0, libvirt.Opens);
    }

    [Fact]
    public void An_unreachable_uri_exits_2_without_credentials_in_the_message()
    {
        libvirt.OpenError = RecordedLibvirt.Unreachable();
        var (exitCode, _, stderr) = Run("--uri", "qemu+tcp://admin:hunter2@host/system", Fixture);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("error: qemu+tcp://host/system: cannot connect: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Baseline_prints_libvirts_cpu_or_exits_1_when_libvirt_finds_none()
    {
        const string cpu = "<cpu mode='custom' match='exact'><model fallback='forbid'>qemu64</model><vendor>Intel</vendor><feature policy='require' name='pku'/></cpu>";
        IReadOnlyList<string>? inputs = null;
        libvirt.BaselineCpu = (_, _, _, _, cpus) => (inputs = cpus) is null ? "" : cpu;
        var (exitCode, stdout, _) = Run("--uri", "qemu:///system", "--baseline", Fixture, Fixture);

        Assert.Equal(0, exitCode);
        Assert.Equal(cpu, stdout.Trim());
        Assert.Equal(2, inputs!.Count);
        Assert.All(inputs, x => Assert.StartsWith("<cpu mode=\"custom\" match=\"exact\">", x, StringComparison.Ordinal));

        libvirt.BaselineCpu = (_, _, _, _, _) => throw new LibvirtException("virConnectBaselineHypervisorCPU", 9, 10, "operation failed: CPU vendors do not match");
        (exitCode, stdout, var stderr) = Run("--uri", "qemu:///system", "--baseline", Fixture);
        Assert.Equal(1, exitCode);
        Assert.Equal("no baseline: operation failed: CPU vendors do not match", stderr.Trim());
    }

    private (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = CompatCommand.Invoke(libvirt, args, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
