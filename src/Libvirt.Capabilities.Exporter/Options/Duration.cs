using System.Globalization;
using System.Text.RegularExpressions;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>Prometheus durations (500ms, 30s, 5m, 1h30m, 1d), or .NET's [d.]hh:mm:ss as in the configuration files.</summary>
public static partial class Duration
{
    /// <summary>The duration, or null with <paramref name="error"/> saying why (empty, malformed, beyond TimeSpan).</summary>
    public static TimeSpan? TryParse(string text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty; give a duration such as 30s, 5m or 1h";
            return null;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
        {
            return span;
        }

        var match = Units().Match(text);
        if (!match.Success)
        {
            error = $"'{text}' is not a duration; use e.g. 500ms, 30s, 5m, 1h30m";
            return null;
        }

        var milliseconds = 0.0;
        for (var i = 0; i < match.Groups[2].Captures.Count; i++)
        {
            var number = double.Parse(match.Groups[3].Captures[i].Value, CultureInfo.InvariantCulture);
            milliseconds += number * match.Groups[4].Captures[i].Value switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => 604_800_000,
            };
        }

        if (milliseconds >= TimeSpan.MaxValue.TotalMilliseconds)
        {
            error = $"'{text}' is out of range; it must be between 1s and 24h";
            return null;
        }

        // A negative duration is a duration: the range check names the setting it is out of range for.
        return TimeSpan.FromMilliseconds(match.Groups[1].Success ? -milliseconds : milliseconds);
    }

    [GeneratedRegex(@"^(-)?((\d+(?:\.\d+)?)(ms|s|m|h|d|w))+$")]
    private static partial Regex Units();
}
