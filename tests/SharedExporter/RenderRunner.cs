using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Cli;

namespace Libvirt.Capabilities.TestSupport;

/// <summary>Runs the real <c>render</c> command in-process and captures its output.</summary>
public static class RenderRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => Run(new LibvirtConnector(), args);

    public static Result Run(ILibvirtConnector connector, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = RenderCommand.Create(connector, stdout, stderr).Parse(args).Invoke();
        return new Result(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Sample lines of an exposition (no comments), e.g. <c>name{labels} value</c>.</summary>
    public static IEnumerable<string> SeriesLines(string exposition) =>
        exposition.Split('\n').Where(l => l.Length > 0 && l[0] != '#');

    public static int CountSeries(string exposition, string family) =>
        SeriesLines(exposition).Count(l => l.StartsWith(family + "{", StringComparison.Ordinal) || l.StartsWith(family + " ", StringComparison.Ordinal));

    /// <summary>A failed run: exit code 1, nothing on stdout, one "error: " line containing <paramref name="expected"/>.</summary>
    public static void AssertOneLineError(RenderRunner.Result result, string expected)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}
