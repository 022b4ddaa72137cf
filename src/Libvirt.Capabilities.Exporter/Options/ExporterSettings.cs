using Microsoft.Extensions.Options;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>
/// All option sections, bound and validated once before anything is served: a bad setting is one clear
/// message per problem and exit code 2, never a half-started exporter.
/// </summary>
public sealed record ExporterSettings(WebOptions Web, PollOptions Poll, LibvirtOptions Libvirt, StateOptions State)
{
    public static ExporterSettings Load(IConfiguration configuration, out List<string> errors)
    {
        errors = [];
        var settings = new ExporterSettings(
            Bind(WebOptions.Section, errors, () => configuration.GetSection(WebOptions.Section).Get<WebOptions>()),
            Bind(PollOptions.Section, errors, () => configuration.GetSection(PollOptions.Section).Get<PollOptions>()),
            Bind(LibvirtOptions.Section, errors, () => configuration.GetSection(LibvirtOptions.Section).Get<LibvirtOptions>()),
            Bind(StateOptions.Section, errors, () => configuration.GetSection(StateOptions.Section).Get<StateOptions>()));
        if (errors.Count > 0)
        {
            return settings;
        }

        Collect(errors, new WebOptionsValidator().Validate(null, settings.Web));
        Collect(errors, new WebOptionsSemanticValidator().Validate(null, settings.Web));
        Collect(errors, new PollOptionsValidator().Validate(null, settings.Poll));
        Collect(errors, new PollOptionsSemanticValidator().Validate(null, settings.Poll));
        Collect(errors, new LibvirtOptionsValidator().Validate(null, settings.Libvirt));
        Collect(errors, new StateOptionsValidator().Validate(null, settings.State));
        return settings;
    }

    /// <summary>Interval of a target: its own, else the Poll default.</summary>
    public TimeSpan IntervalOf(TargetOptions target) => target.Interval ?? Poll.Interval;

    public TimeSpan TimeoutOf(TargetOptions target) => target.Timeout ?? Poll.Timeout;

    /// <summary>
    /// A hash of what shapes the data a target's polls collect: the URI without user-info, read-only and the
    /// machine selection. A baseline with another one is not compared (the change would look like drift).
    /// Hashed, so that neither the URI nor anything in its query ever reaches the state file.
    /// </summary>
    public string CollectionSignatureOf(TargetOptions target)
    {
        var machines = Libvirt.Machines;
        var text = string.Join(
            '|',
            Capabilities.Connection.LibvirtUri.Redact(target.Uri), target.ReadOnly, machines.Policy,
            string.Join(',', machines.IncludeArch), string.Join(',', machines.ExcludeArch),
            string.Join(',', machines.IncludeMachine), string.Join(',', machines.ExcludeMachine),
            string.Join(',', machines.IncludeVirtType), string.Join(',', machines.ExcludeVirtType));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// Everything about a target's polling loop, kept in memory only: a target whose signature changed on reload
    /// is restarted (keeping its baseline when <see cref="CollectionSignatureOf"/> did not change).
    /// </summary>
    public string SignatureOf(TargetOptions target)
    {
        var machines = Libvirt.Machines;
        return string.Join(
            '|',
            target.Uri, target.ReadOnly, IntervalOf(target), TimeoutOf(target), target.Username, target.PasswordFile,
            Poll.Jitter, Poll.BackoffInitial, Poll.BackoffMax, State.Directory, machines.Policy,
            string.Join(',', machines.IncludeArch), string.Join(',', machines.ExcludeArch),
            string.Join(',', machines.IncludeMachine), string.Join(',', machines.ExcludeMachine),
            string.Join(',', machines.IncludeVirtType), string.Join(',', machines.ExcludeVirtType));
    }

    // Each call site names its type, so the configuration-binding source generator can emit the binder.
    private static T Bind<T>(string section, List<string> errors, Func<T?> bind)
        where T : class, new()
    {
        try
        {
            return bind() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            // The binder names the key and the value it could not convert.
            errors.Add($"{section}: {e.Message}");
            return new T();
        }
    }

    private static void Collect(List<string> errors, ValidateOptionsResult result)
    {
        if (result.Failed)
        {
            errors.AddRange(result.Failures);
        }
    }
}
