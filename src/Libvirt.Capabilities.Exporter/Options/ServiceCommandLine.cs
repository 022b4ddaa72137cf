using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Libvirt.Capabilities.Exporter.Collection;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>
/// The service's Prometheus-style flags (<c>--web.listen-address=:9866</c>, repeatable <c>--libvirt.uri</c>),
/// parsed by System.CommandLine like the subcommands, and translated to configuration keys. Tokens of the form
/// <c>--Section:Key=value</c> are left unmatched and passed on to .NET's command-line configuration.
/// </summary>
public static class ServiceCommandLine
{
    public const string ConfigFileKey = "ConfigFile";

    /// <summary>What the command line asks for. <see cref="Errors"/> holds one message per problem.</summary>
    public sealed record Result(
        Dictionary<string, string?> Values, List<string> PassThrough, CommandLineTargets Targets, string? ConfigFile,
        List<string> Errors, ParseResult Parse)
    {
        public bool HelpRequested => Parse.Action is HelpAction;
    }

    private static readonly (string Flag, string Key, string Help, string Name)[] Plain =
    [
        ("--web.listen-address", "Web:ListenAddress", "Address to listen on: host:port, :port or [ipv6]:port (default :9866).", "ADDR"),
        ("--web.telemetry-path", "Web:TelemetryPath", "Path of the metrics endpoint (default /metrics).", "PATH"),
        ("--web.config.file", "Web:ConfigFile", "TLS, basic auth and headers, exporter-toolkit format (docs/web-config.md).", "FILE"),
        ("--state.directory", "State:Directory", "Where snapshots persist across restarts; '' disables (default /var/lib/libvirt-capabilities-exporter/state).", "DIR"),
        ("--libvirt.machines", "Libvirt:Machines:Policy", "Which machine types get domain capabilities: default | all.", "POLICY"),
    ];

    private static readonly (string Flag, string Key, string Help)[] Durations =
    [
        ("--poll.interval", "Poll:Interval", "Time between polls of a target, e.g. 30s, 5m (default 1m)."),
        ("--poll.timeout", "Poll:Timeout", "Deadline for one connection or collection (default 2m)."),
    ];

    public static RootCommand Create()
    {
        var root = new RootCommand(
            "Prometheus exporter of libvirt host and domain capabilities.\n" +
            "Subcommands: render (print the metrics once), compat (CPU compatibility); see '<subcommand> --help'.\n" +
            "Any configuration key can also be given as --Section:Key=value (see docs/configuration.md).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.Options.Add(new Option<string[]>("--libvirt.uri") { Description = "libvirt URI to poll; repeatable; added to the configuration file's targets (default qemu:///system).", HelpName = "URI" });
        root.Options.Add(new Option<bool>("--libvirt.read-only") { Description = "Open the --libvirt.uri targets (or the default target) read-only: host capabilities only." });
        foreach (var (flag, _, help, name) in Plain)
        {
            // An empty value is a value ('' disables the state directory), not a missing one.
            root.Options.Add(new Option<string>(flag) { Description = help, HelpName = name, Arity = ArgumentArity.ZeroOrOne });
        }

        foreach (var (flag, _, help) in Durations)
        {
            root.Options.Add(new Option<TimeSpan?>(flag) { Description = help, HelpName = "DURATION", CustomParser = ParseDuration, Arity = ArgumentArity.ZeroOrOne });
        }

        root.Options.Add(new Option<bool>("--web.enable-lifecycle") { Description = "Enable POST /-/reload (SIGHUP always reloads)." });
        // Checked with the configuration (one error line, as for Logging:Console:FormatterName in a file).
        root.Options.Add(new Option<string>("--log.format") { Description = "Log format: simple | json | systemd.", HelpName = "FORMAT" });
        root.Options.Add(new Option<string>("--config.file") { Description = "JSON configuration file (docs/configuration.md).", HelpName = "FILE" });
        AddCollectorOptions(root);
        return root;
    }

    /// <summary><c>--collector.NAME</c> and <c>--no-collector.NAME</c> for every collector (the service and render).</summary>
    public static void AddCollectorOptions(Command command)
    {
        foreach (var collector in CollectorSwitches.All)
        {
            var state = collector.Default ? "default: enabled" : "default: disabled";
            command.Options.Add(new Option<bool>($"--collector.{collector.Name}") { Description = $"Enable the {collector.Name} collector: {collector.Help} ({state})." });
            command.Options.Add(new Option<bool>($"--no-collector.{collector.Name}") { Description = $"Disable the {collector.Name} collector." });
        }
    }

    /// <summary>The collectors switched on or off on the command line; both for one collector is an error.</summary>
    public static Dictionary<string, bool> CollectorOverrides(ParseResult parse, List<string> errors)
    {
        var overrides = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var collector in CollectorSwitches.All)
        {
            var on = Given<bool>(parse, $"--collector.{collector.Name}");
            var off = Given<bool>(parse, $"--no-collector.{collector.Name}");
            if (on is not null && off is not null)
            {
                errors.Add($"--collector.{collector.Name} and --no-collector.{collector.Name} contradict each other; give one.");
            }
            else if (on is not null || off is not null)
            {
                overrides[collector.Name] = on is not null ? parse.GetValue(on) : !parse.GetValue(off!);
            }
        }

        return overrides;
    }

    public static Result Parse(IReadOnlyList<string> args)
    {
        var root = Create();
        var parse = root.Parse(args);
        var errors = parse.Errors.Select(e => e.Message).ToList();
        var passThrough = PassThrough(parse.UnmatchedTokens, errors);
        if (errors.Count > 0)
        {
            return new Result([], [], CommandLineTargets.None, null, errors, parse);
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (flag, key, _, _) in Plain)
        {
            if (Given<string>(parse, flag) is { } option)
            {
                values[key] = parse.GetValue(option) ?? "";
            }
        }

        foreach (var (flag, key, _) in Durations)
        {
            if (Given<TimeSpan?>(parse, flag) is { } option && parse.GetValue(option) is { } span)
            {
                values[key] = span.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        if (Given<bool>(parse, "--web.enable-lifecycle") is { } lifecycle)
        {
            values["Web:EnableLifecycle"] = parse.GetValue(lifecycle) ? "true" : "false";
        }

        if (Given<string>(parse, "--log.format") is { } format)
        {
            values["Logging:Console:FormatterName"] = parse.GetValue(format);
        }

        foreach (var (name, on) in CollectorOverrides(parse, errors))
        {
            values[$"{CollectorOptions.Section}:{name}"] = on ? "true" : "false";
        }

        var uris = Given<string[]>(parse, "--libvirt.uri") is { } uri ? parse.GetValue(uri) ?? [] : [];
        var readOnly = Given<bool>(parse, "--libvirt.read-only") is { } ro && parse.GetValue(ro);
        var configFile = Given<string>(parse, "--config.file") is { } file ? parse.GetValue(file) : null;
        return new Result(values, passThrough, new CommandLineTargets(uris, readOnly), configFile, errors, parse);
    }

    /// <summary>Writes the help text (the same style as the subcommands').</summary>
    public static int Help(ParseResult parse, TextWriter stdout) =>
        parse.Invoke(new InvocationConfiguration { Output = stdout });

    /// <summary>
    /// Unmatched tokens: <c>--Section:Key=value</c> or <c>--Section:Key value</c> go to the configuration; anything
    /// else is a typo of a flag, reported as such.
    /// </summary>
    private static List<string> PassThrough(IReadOnlyList<string> tokens, List<string> errors)
    {
        var passThrough = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? token : token[..equals];
            if (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':', StringComparison.Ordinal))
            {
                passThrough.Add(token);
                if (equals < 0 && i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    passThrough.Add(tokens[++i]);
                }
            }
            else if (name.StartsWith('-'))
            {
                errors.Add($"unknown flag '{name}' (see --help)");
            }
            else
            {
                errors.Add($"unexpected argument '{token}' (flags take the form --name=value; see --help)");
            }
        }

        return passThrough;
    }

    private static Option<T>? Given<T>(ParseResult parse, string name)
    {
        var option = parse.CommandResult.Command.Options.OfType<Option<T>>().First(o => o.Name == name);
        return parse.GetResult(option) is { Implicit: false } ? option : null;
    }

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        var option = ((OptionResult)result.Parent!).Option.Name;
        var span = Duration.TryParse(text, out var error);
        if (error is not null)
        {
            result.AddError($"{option} {error}");
        }

        return span;
    }
}
