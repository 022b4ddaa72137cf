using System.Diagnostics;
using System.Xml.Linq;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// The independent oracle for CPU comparison and baseline: libvirt's own client, <c>virsh hypervisor-cpu-compare</c>
/// and <c>virsh hypervisor-cpu-baseline</c>, run on the same input files against the same daemon. virsh extracts
/// the host-model CPU from a domain-capabilities file itself, so the exporter's rendering is checked too.
/// </summary>
public static class Virsh
{
    private const string Path = "/usr/bin/virsh";

    /// <summary>What virsh says about one file: outcome compatible|incompatible|unknown, result, and libvirt's error message.</summary>
    public sealed record Verdict(string Outcome, string? Result, string? Message);

    /// <summary>A baseline CPU as virsh prints it, or libvirt's error message.</summary>
    public sealed record Baseline(string? Model, string? Vendor, IReadOnlyDictionary<string, string> Features, string? Message);

    public static Verdict Compare(string uri, string file, string arch, string virtType, bool readOnly = false)
    {
        var args = new List<string> { "-c", uri };
        if (readOnly)
        {
            args.Add("--readonly");
        }

        args.AddRange(["hypervisor-cpu-compare", "--error", "--arch", arch, "--virttype", virtType, file]);
        var (exitCode, stdout, stderr) = Run([.. args]);
        if (exitCode == 0)
        {
            // "CPU described in FILE is identical to ..." / "The CPU provided by hypervisor on the host is a superset of ..."
            return new Verdict("compatible", stdout.Contains("superset", StringComparison.Ordinal) ? "superset" : stdout.Contains("identical", StringComparison.Ordinal) ? "identical" : stdout.Trim(), null);
        }

        var message = ErrorMessage(stderr);
        return message.StartsWith("the CPU is incompatible with host CPU", StringComparison.Ordinal)
            ? new Verdict("incompatible", "incompatible", message)
            : new Verdict("unknown", null, message);
    }

    public static Baseline ComputeBaseline(string uri, string file, string arch, string virtType)
    {
        var (exitCode, stdout, stderr) = Run("-c", uri, "hypervisor-cpu-baseline", "--features", "--migratable", "--arch", arch, "--virttype", virtType, file);
        if (exitCode != 0)
        {
            return new Baseline(null, null, new Dictionary<string, string>(), ErrorMessage(stderr));
        }

        var cpu = XElement.Parse(stdout);
        return new Baseline(
            cpu.Element("model")?.Value,
            cpu.Element("vendor")?.Value,
            cpu.Elements("feature").ToDictionary(f => (string)f.Attribute("name")!, f => (string)f.Attribute("policy")!),
            null);
    }

    /// <summary>Whether <c>virsh capabilities</c> offers hvm guests of the arch with the virt type at all.</summary>
    public static bool Offers(string uri, string arch, string virtType)
    {
        var (exitCode, stdout, stderr) = Run("-c", uri, "capabilities");
        Assert.True(exitCode == 0, stderr);
        return XElement.Parse(stdout).Elements("guest")
            .Where(g => g.Element("os_type")?.Value == "hvm")
            .Elements("arch")
            .Any(a => (string?)a.Attribute("name") == arch && a.Elements("domain").Any(d => (string?)d.Attribute("type") == virtType));
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        TestEnvironment.Require(File.Exists(Path), "virsh (apt-get install libvirt-clients)");
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }

    /// <summary>virsh prints "error: Failed to ..." and then "error: LIBVIRT MESSAGE"; the last error line is libvirt's.</summary>
    private static string ErrorMessage(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith("error: ", StringComparison.Ordinal))["error: ".Length..].Trim();
}
