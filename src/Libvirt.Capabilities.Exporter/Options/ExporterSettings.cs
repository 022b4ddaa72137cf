using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Collection;
using Microsoft.Extensions.Options;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>
/// All option sections, checked and bound once before anything is served: a bad setting is one clear
/// message per problem (all of them at once) and exit code 2, never a half-started exporter.
/// </summary>
public sealed record ExporterSettings(WebOptions Web, PollOptions Poll, LibvirtOptions Libvirt, StateOptions State)
{
    public const string LogFormatKey = "Logging:Console:FormatterName";

    public static readonly IReadOnlyList<string> LogFormats = ["simple", "json", "systemd"];

    public CollectorSwitches Collectors { get; init; } = CollectorSwitches.Default;

    /// <summary>simple, json or systemd.</summary>
    public string LogFormat { get; init; } = "simple";

    /// <summary>
    /// Reads the configuration sources and adds the <paramref name="commandLine"/> targets. Keys are checked against
    /// <see cref="ConfigurationSchema"/> first; a section with schema errors is not validated further.
    /// </summary>
    public static ExporterSettings Load(IConfiguration configuration, CommandLineTargets commandLine, out List<string> errors)
    {
        var found = ConfigurationSchema.CheckFile(ConfigFileSource.Of(configuration));
        errors = found;
        var web = Section(configuration, WebOptions.Section, found, () => configuration.GetSection(WebOptions.Section).Get<WebOptions>(),
            new WebOptionsValidator(), new WebOptionsSemanticValidator());
        var poll = Section(configuration, PollOptions.Section, found, () => configuration.GetSection(PollOptions.Section).Get<PollOptions>(),
            new PollOptionsValidator(), new PollOptionsSemanticValidator());
        var libvirt = Section(configuration, LibvirtOptions.Section, found, () => configuration.GetSection(LibvirtOptions.Section).Get<LibvirtOptions>());
        var state = Section(configuration, StateOptions.Section, found, () => configuration.GetSection(StateOptions.Section).Get<StateOptions>(),
            new StateOptionsValidator(), new StateOptionsSemanticValidator());
        var collectors = CollectorSwitches.Default;
        if (ConfigurationSchema.CheckSection(configuration, CollectorOptions.Section) is { Count: > 0 } collectorErrors)
        {
            found.AddRange(collectorErrors);
        }
        else
        {
            collectors = new CollectorSwitches(configuration.GetSection(CollectorOptions.Section).GetChildren()
                .ToDictionary(c => c.Key, c => bool.Parse(c.Value!), StringComparer.OrdinalIgnoreCase));
        }

        var logFormat = configuration[LogFormatKey] is { Length: > 0 } format ? format : "simple";
        if (!LogFormats.Contains(logFormat))
        {
            found.Add($"{LogFormatKey} (--log.format) '{logFormat}' is unknown; allowed: {string.Join(", ", LogFormats)}.");
        }

        if (!found.Any(e => e.StartsWith(LibvirtOptions.Section + ":", StringComparison.Ordinal)))
        {
            AddCommandLineTargets(libvirt, commandLine, found);
            Collect(found, new LibvirtOptionsValidator().Validate(null, libvirt));
        }

        return new ExporterSettings(web, poll, libvirt, state) { Collectors = collectors, LogFormat = logFormat };
    }

    /// <summary>
    /// Flags add targets after the configured ones, never replace them by position; a name clash is an error.
    /// --libvirt.read-only applies to the flags' targets, or to the default target when none is configured.
    /// </summary>
    private static void AddCommandLineTargets(LibvirtOptions libvirt, CommandLineTargets commandLine, List<string> errors)
    {
        var configured = libvirt.Targets.ToList();
        if (commandLine.ReadOnly && commandLine.Uris.Count == 0)
        {
            if (configured.Count > 0)
            {
                errors.Add("--libvirt.read-only applies to --libvirt.uri targets only; the configured targets set ReadOnly each (Libvirt:Targets:N:ReadOnly).");
                return;
            }

            libvirt.Targets.Add(new TargetOptions { Uri = LibvirtOptions.DefaultUri, ReadOnly = true });
            return;
        }

        foreach (var uri in commandLine.Uris)
        {
            if (LibvirtUriRule.Problem(uri) is { } problem)
            {
                errors.Add($"--libvirt.uri {problem}");
                continue;
            }

            var target = new TargetOptions { Uri = uri, ReadOnly = commandLine.ReadOnly };
            var clash = configured.FindIndex(t => t.EffectiveName == target.EffectiveName);
            if (clash >= 0)
            {
                errors.Add($"--libvirt.uri '{LibvirtUri.Redact(uri)}' has the target name '{target.EffectiveName}' of Libvirt:Targets:{clash} " +
                    "from the configuration; flags add targets, so drop the flag or give the configured target another Name.");
                continue;
            }

            libvirt.Targets.Add(target);
        }
    }

    /// <summary>Interval of a target: its own, else the Poll default.</summary>
    public TimeSpan IntervalOf(TargetOptions target) => target.Interval ?? Poll.Interval;

    public TimeSpan TimeoutOf(TargetOptions target) => target.Timeout ?? Poll.Timeout;

    /// <summary>
    /// A hash of what shapes the data a target's polls collect: the URI without user-info, read-only, the
    /// machine selection and the enabled collectors. A baseline with another one is not compared (the change
    /// would look like drift; a collector switched off would look like removed capabilities). Hashed, so that
    /// neither the URI nor anything in its query ever reaches the state file.
    /// </summary>
    public string CollectionSignatureOf(TargetOptions target)
    {
        var machines = Libvirt.Machines;
        var text = string.Join(
            '|',
            LibvirtUri.Redact(target.Uri), target.ReadOnly, machines.Policy,
            string.Join(',', machines.IncludeArch), string.Join(',', machines.ExcludeArch),
            string.Join(',', machines.IncludeMachine), string.Join(',', machines.ExcludeMachine),
            string.Join(',', machines.IncludeVirtType), string.Join(',', machines.ExcludeVirtType),
            string.Join(',', Collectors.Enabled));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// Everything about a target's polling loop, kept in memory only: a target whose signature changed on reload
    /// is restarted (keeping its baseline when <see cref="CollectionSignatureOf"/> did not change).
    /// </summary>
    public string SignatureOf(TargetOptions target) =>
        string.Join(
            '|',
            CollectionSignatureOf(target), target.Uri, IntervalOf(target), TimeoutOf(target), target.Username, target.PasswordFile,
            Poll.Jitter, Poll.BackoffInitial, Poll.BackoffMax, State.Directory);

    /// <summary>Settings read once at start: a reload that changes them says they wait for a restart.</summary>
    public IReadOnlyList<string> NeedRestartComparedTo(ExporterSettings next)
    {
        var keys = new List<string>();
        Check("Web:ListenAddress", Web.ListenAddress, next.Web.ListenAddress);
        Check("Web:TelemetryPath", Web.TelemetryPath, next.Web.TelemetryPath);
        Check("Web:ConfigFile", Web.ConfigFile, next.Web.ConfigFile);
        Check("Web:EnableLifecycle", Web.EnableLifecycle, next.Web.EnableLifecycle);
        Check("State:Directory", State.Directory, next.State.Directory);
        Check("State:ChangeHistory", State.ChangeHistory, next.State.ChangeHistory);
        Check(LogFormatKey, LogFormat, next.LogFormat);
        return keys;

        void Check<T>(string key, T current, T wanted)
        {
            if (!EqualityComparer<T>.Default.Equals(current, wanted))
            {
                keys.Add(key);
            }
        }
    }

    // Each call site names its type, so the configuration-binding source generator can emit the binder.
    private static T Section<T>(IConfiguration configuration, string section, List<string> errors, Func<T?> bind, params IValidateOptions<T>[] validators)
        where T : class, new()
    {
        var schemaErrors = ConfigurationSchema.CheckSection(configuration, section);
        if (schemaErrors.Count > 0)
        {
            errors.AddRange(schemaErrors);
            return new T();
        }

        T options;
        try
        {
            options = bind() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            // Not expected after the schema check; the binder names the key and the value it could not convert.
            errors.Add($"{section}: {e.Message}");
            return new T();
        }

        foreach (var validator in validators)
        {
            Collect(errors, validator.Validate(null, options));
        }

        return options;
    }

    private static void Collect(List<string> errors, ValidateOptionsResult result)
    {
        if (result.Failed)
        {
            errors.AddRange(result.Failures);
        }
    }
}
