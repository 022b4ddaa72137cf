using System.Globalization;
using System.Text.RegularExpressions;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>
/// Prometheus-style flags (<c>--web.listen-address=:9866</c>, repeatable <c>--libvirt.uri</c>) translated to
/// configuration keys. Anything else of the form <c>--Section:Key=value</c> is passed to .NET's command-line
/// configuration unchanged. Durations accept Prometheus units (500ms, 30s, 5m, 1h).
/// </summary>
public static partial class CommandLineFlags
{
    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        ["--web.listen-address"] = "Web:ListenAddress",
        ["--web.telemetry-path"] = "Web:TelemetryPath",
        ["--web.config.file"] = "Web:ConfigFile",
        ["--web.enable-lifecycle"] = "Web:EnableLifecycle",
        ["--poll.interval"] = "Poll:Interval",
        ["--poll.timeout"] = "Poll:Timeout",
        ["--libvirt.read-only"] = "Libvirt:ReadOnly",
        ["--libvirt.machines"] = "Libvirt:Machines:Policy",
        ["--state.directory"] = "State:Directory",
        ["--log.format"] = "Logging:Console:FormatterName",
        ["--config.file"] = ConfigFileKey,
    };

    public const string ConfigFileKey = "ConfigFile";

    public sealed record Result(Dictionary<string, string?> Values, List<string> PassThrough, string? Error);

    public static Result Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var passThrough = new List<string>();
        var uris = 0;
        var readOnly = (string?)null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (flag, value) = Split(arg);
            if (flag.Contains(':', StringComparison.Ordinal))
            {
                passThrough.Add(arg);
                if (value is null && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    passThrough.Add(args[++i]);
                }

                continue;
            }

            if (flag != "--libvirt.uri" && !Keys.ContainsKey(flag))
            {
                return new Result(values, passThrough, $"unknown flag '{flag}' (see --help)");
            }

            if (value is null && flag is "--libvirt.read-only" or "--web.enable-lifecycle")
            {
                value = "true";
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    return new Result(values, passThrough, $"flag '{flag}' needs a value");
                }

                value = args[++i];
            }

            switch (flag)
            {
                case "--libvirt.uri":
                    values[$"Libvirt:Targets:{uris++}:Uri"] = value;
                    break;
                case "--libvirt.read-only":
                    readOnly = value;
                    break;
                case "--poll.interval" or "--poll.timeout":
                    values[Keys[flag]] = ToTimeSpan(value);
                    break;
                default:
                    values[Keys[flag]] = value;
                    break;
            }
        }

        if (readOnly is not null)
        {
            for (var i = 0; i < uris; i++)
            {
                values[$"Libvirt:Targets:{i}:ReadOnly"] = readOnly;
            }
        }

        return new Result(values, passThrough, null);
    }

    /// <summary>"30s" → "00:00:30"; anything else is left for the configuration binder to judge.</summary>
    public static string ToTimeSpan(string value)
    {
        var match = Duration().Match(value);
        if (!match.Success)
        {
            return value;
        }

        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var span = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(number),
            "s" => TimeSpan.FromSeconds(number),
            "m" => TimeSpan.FromMinutes(number),
            "h" => TimeSpan.FromHours(number),
            _ => TimeSpan.FromDays(number),
        };
        return span.ToString("c", CultureInfo.InvariantCulture);
    }

    public const string Usage = """
        usage: libvirt-capabilities-exporter [flags]
               libvirt-capabilities-exporter render (--uri URI | --capabilities FILE | --domcaps FILE ...) [--target NAME]

        flags:
          --libvirt.uri URI          libvirt URI to poll; repeatable (default qemu:///system)
          --libvirt.read-only        open the --libvirt.uri targets read-only (host capabilities only)
          --libvirt.machines POLICY  default | all: which machine types get domain capabilities
          --web.listen-address ADDR  address to listen on (default :9866)
          --web.telemetry-path PATH  path of the metrics endpoint (default /metrics)
          --web.config.file FILE     TLS, basic auth and headers (exporter-toolkit format, docs/web-config.md)
          --web.enable-lifecycle     enable POST /-/reload (SIGHUP always reloads the configuration)
          --poll.interval DURATION   time between polls of a target (default 1m)
          --poll.timeout DURATION    deadline for one connection or collection (default 2m)
          --state.directory DIR      where snapshots persist across restarts ('' disables)
          --log.format FORMAT        simple | json | systemd
          --config.file FILE         extra JSON configuration file (see docs/configuration.md)
          --Section:Key=value        any configuration key, as in appsettings.json
        """;

    private static (string Flag, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (arg, null) : (arg[..equals], arg[(equals + 1)..]);
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h|d)$")]
    private static partial Regex Duration();
}
