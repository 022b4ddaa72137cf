using System.Globalization;
using System.Text.RegularExpressions;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// Durations as exporter-toolkit's YAML takes them (Go's time.ParseDuration: <c>500ms</c>, <c>1m30s</c>, <c>0</c>),
/// or a bare integer of nanoseconds as Go's YAML decoder reads one.
/// </summary>
public static partial class GoDuration
{
    private static readonly Dictionary<string, double> NanosecondsPer = new(StringComparer.Ordinal)
    {
        ["ns"] = 1, ["us"] = 1e3, ["µs"] = 1e3, ["μs"] = 1e3, ["ms"] = 1e6, ["s"] = 1e9, ["m"] = 60e9, ["h"] = 3600e9,
    };

    public static TimeSpan? Parse(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds))
        {
            return TimeSpan.FromTicks(nanoseconds / 100);
        }

        if (!Shape().IsMatch(text))
        {
            return null;
        }

        var total = Part().Matches(text).Sum(m =>
            double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * NanosecondsPer[m.Groups[2].Value]);
        return total / 100 > long.MaxValue ? null : TimeSpan.FromTicks((long)(total / 100));
    }

    [GeneratedRegex(@"^(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
