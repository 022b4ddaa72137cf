using System.Globalization;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>One scrape of /metrics, read the way a PromQL selector would: by name and exact label values.</summary>
public sealed class MetricsText(string exposition)
{
    private readonly string[] lines = [.. RenderRunner.SeriesLines(exposition)];

    public string Text => exposition;

    /// <summary>The value of one series written exactly as exposed (<c>name{label="v",...}</c>), or null when absent.</summary>
    public double? Value(string series)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    public double? Up(string target) => Value($"libvirt_capabilities_up{{target=\"{target}\"}}");

    public double? LastSuccess(string target) => Value($"libvirt_capabilities_last_success_timestamp_seconds{{target=\"{target}\"}}");

    public double Errors(string target, string reason) => Value($"libvirt_capabilities_scrape_errors_total{{target=\"{target}\",reason=\"{reason}\"}}") ?? 0;

    public double? StageSuccess(string target, string stage) => Value($"libvirt_capabilities_collection_success{{target=\"{target}\",stage=\"{stage}\"}}");

    /// <summary>Every change counted for the target, whatever scope, change or kind.</summary>
    public double Changes(string target) => lines
        .Where(l => l.StartsWith("libvirt_capabilities_changes_total{", StringComparison.Ordinal) && l.Contains($"target=\"{target}\"", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    /// <summary>The capability series of a target (host, guest, domcaps families), without values: what a poll published.</summary>
    public HashSet<string> CapabilitySeries(string target) =>
    [
        .. lines
            .Where(l => (l.StartsWith("libvirt_host_", StringComparison.Ordinal) || l.StartsWith("libvirt_guest_", StringComparison.Ordinal) || l.StartsWith("libvirt_domcaps_", StringComparison.Ordinal))
                && l.Contains($"{{target=\"{target}\"", StringComparison.Ordinal))
            .Select(l => l[..l.LastIndexOf(' ')]),
    ];

    /// <summary>The libvirt_capabilities_* series, for failure messages.</summary>
    public string Health() => string.Join('\n', lines.Where(l => l.StartsWith("libvirt_capabilities_", StringComparison.Ordinal) && !l.Contains("api_call_duration", StringComparison.Ordinal)));
}
