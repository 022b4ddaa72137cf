using System.Globalization;
using System.Text.RegularExpressions;
using Libvirt.Capabilities.Exporter.Collection;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>
/// The keys the exporter understands and the type of each value, checked on the raw configuration before
/// binding: an unknown key (a typo such as <c>Poll:Intervall</c>) and a value of the wrong type are reported
/// together, all of them, each naming the key and what is allowed. The binder would silently ignore the first
/// and stop at the first of the second.
/// </summary>
public static partial class ConfigurationSchema
{
    private enum Kind { Text, Bool, Duration, Fraction, Count, Section }

    /// <summary>Sections whose every key is checked; other sections (Logging, OTEL_*, ...) belong to .NET.</summary>
    public static readonly IReadOnlyList<string> Sections = [WebOptions.Section, PollOptions.Section, LibvirtOptions.Section, StateOptions.Section, CollectorOptions.Section];

    /// <summary>Top-level sections a --config.file may hold.</summary>
    public static readonly IReadOnlyList<string> FileSections = [.. Sections, "Logging"];

    private static readonly string[] TargetKeys = ["Name", "Uri", "Group", "Interval", "Timeout", "ReadOnly", "Username", "PasswordFile"];
    private static readonly string[] MachineLists = ["IncludeArch", "ExcludeArch", "IncludeMachine", "ExcludeMachine", "IncludeVirtType", "ExcludeVirtType"];

    private static readonly Dictionary<string, Dictionary<string, Kind>> Keys = new(StringComparer.OrdinalIgnoreCase)
    {
        [WebOptions.Section] = Of(("ListenAddress", Kind.Text), ("TelemetryPath", Kind.Text), ("EnableLifecycle", Kind.Bool), ("ConfigFile", Kind.Text)),
        [PollOptions.Section] = Of(("Interval", Kind.Duration), ("Timeout", Kind.Duration), ("Jitter", Kind.Fraction), ("BackoffInitial", Kind.Duration), ("BackoffMax", Kind.Duration)),
        [LibvirtOptions.Section] = Of(("Targets", Kind.Section), ("Machines", Kind.Section)),
        ["Libvirt:Machines"] = Of([("Policy", Kind.Text), .. MachineLists.Select(l => (l, Kind.Section))]),
        ["Libvirt:Targets:#"] = Of([.. TargetKeys.Select(k => (k, k switch { "Interval" or "Timeout" => Kind.Duration, "ReadOnly" => Kind.Bool, _ => Kind.Text }))]),
        [StateOptions.Section] = Of(("Directory", Kind.Text), ("ChangeHistory", Kind.Count)),
        [CollectorOptions.Section] = Of([.. CollectorSwitches.All.Select(c => (c.Name, Kind.Bool))]),
    };

    /// <summary>Unknown top-level sections of the --config.file (a typo there would otherwise be ignored).</summary>
    public static List<string> CheckFile(IConfigurationProvider? file)
    {
        var errors = new List<string>();
        foreach (var section in file?.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase) ?? [])
        {
            if (!FileSections.Contains(section, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"configuration file: unknown section '{section}'; allowed: {string.Join(", ", FileSections)}.");
            }
        }

        return errors;
    }

    /// <summary>Every problem of the keys under <paramref name="section"/>, one of <see cref="Sections"/>, from any source.</summary>
    public static List<string> CheckSection(IConfiguration configuration, string section)
    {
        var errors = new List<string>();
        CheckChildren(configuration.GetSection(section), section, errors);
        return errors;
    }

    private static void CheckChildren(IConfigurationSection section, string schemaKey, List<string> errors)
    {
        var allowed = Keys[schemaKey];
        foreach (var child in section.GetChildren())
        {
            if (!allowed.TryGetValue(child.Key, out var kind))
            {
                errors.Add($"{child.Path} is not a known setting; allowed in {section.Path}: {string.Join(", ", allowed.Keys)}.");
                continue;
            }

            var key = $"{schemaKey}:{child.Key}";
            switch (kind)
            {
                case Kind.Section when key.Equals("Libvirt:Targets", StringComparison.OrdinalIgnoreCase):
                    CheckList(child, errors, item => CheckChildren(item, "Libvirt:Targets:#", errors),
                        "must be a list of targets ([{ \"Uri\": \"qemu:///system\" }, ...]), not an object");
                    break;
                case Kind.Section when key.Equals("Libvirt:Machines", StringComparison.OrdinalIgnoreCase):
                    CheckChildren(child, "Libvirt:Machines", errors);
                    break;
                case Kind.Section:
                    CheckList(child, errors, item => CheckValue(item, Kind.Text, errors), "must be a list of patterns ([\"x86_64\", ...])");
                    break;
                default:
                    CheckValue(child, kind, errors);
                    break;
            }
        }
    }

    private static void CheckList(IConfigurationSection list, List<string> errors, Action<IConfigurationSection> item, string shape)
    {
        var children = list.GetChildren().ToList();
        if (children.Count == 0 && !string.IsNullOrEmpty(list.Value))
        {
            errors.Add($"{list.Path} {shape}.");
            return;
        }

        if (children.Any(c => !Index().IsMatch(c.Key)))
        {
            errors.Add($"{list.Path} {shape}.");
            return;
        }

        foreach (var child in children)
        {
            item(child);
        }
    }

    private static void CheckValue(IConfigurationSection entry, Kind kind, List<string> errors)
    {
        if (entry.GetChildren().Any())
        {
            errors.Add($"{entry.Path} must be a single value, not a section.");
            return;
        }

        var value = entry.Value ?? "";
        var problem = kind switch
        {
            Kind.Bool when !bool.TryParse(value, out _) => "must be true or false",
            Kind.Duration when !TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _) => "must be a duration [d.]hh:mm:ss, e.g. 00:05:00",
            Kind.Fraction when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => "must be a number, e.g. 0.1",
            Kind.Count when !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => "must be a whole number",
            _ => null,
        };
        if (problem is not null)
        {
            // Secrets live in PasswordFile and in URIs, never in typed values; still, echo only what was typed there.
            errors.Add($"{entry.Path} is '{value}'; it {problem}.");
        }
    }

    private static Dictionary<string, Kind> Of(params (string Key, Kind Kind)[] keys) =>
        keys.ToDictionary(k => k.Key, k => k.Kind, StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex Index();
}
