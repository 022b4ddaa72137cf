using System.Diagnostics;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.TestSupport;

/// <summary>Runs <c>promtool check metrics</c> (Debian package prometheus) on an exposition.</summary>
public static class Promtool
{
    private const string Path = "/usr/bin/promtool";

    public static void AssertValid(string exposition)
    {
        TestEnvironment.Require(File.Exists(Path), "promtool (apt-get install prometheus)");
        using var process = Process.Start(new ProcessStartInfo(Path, "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.StandardInput.Write(exposition);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "promtool check metrics failed:\n" + output);
    }
}
