using System.Net;
using Libvirt.Capabilities.Exporter.Web.Security;
using Microsoft.Extensions.Options;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>Rules data annotations cannot express: URI syntax, listen addresses, unique names, known policies.</summary>
public sealed class LibvirtOptionsValidator : IValidateOptions<LibvirtOptions>
{
    public ValidateOptionsResult Validate(string? name, LibvirtOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Targets.Count; i++)
        {
            var target = options.Targets[i];
            var key = $"Libvirt:Targets:{i}";
            if (string.IsNullOrWhiteSpace(target.Uri))
            {
                errors.Add($"{key}:Uri (--libvirt.uri) is required.");
            }
            else if (LibvirtUriRule.Problem(target.Uri) is { } problem)
            {
                errors.Add($"{key}:Uri {problem}");
            }

            DurationRule.Check($"{key}:Interval", target.Interval, TimeSpan.FromSeconds(1), errors);
            DurationRule.Check($"{key}:Timeout", target.Timeout, TimeSpan.FromSeconds(1), errors);

            if (target.PasswordFile is { } file && Unreadable(file) is { } reason)
            {
                // The path is not shown: credential paths stay out of logs.
                errors.Add($"{key}:PasswordFile cannot be read: {reason}.");
            }
        }

        foreach (var duplicate in options.EffectiveTargets.GroupBy(t => t.EffectiveName).Where(g => g.Count() > 1))
        {
            errors.Add($"Libvirt:Targets: the target name '{duplicate.Key}' is used more than once; give each target a unique Name.");
        }

        if (!MachineSelection.Policies.Contains(options.Machines.Policy))
        {
            errors.Add($"Libvirt:Machines:Policy '{options.Machines.Policy}' is unknown; allowed: {string.Join(", ", MachineSelection.Policies)}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Opens the file, as the connection will: existence alone says nothing about permissions.</summary>
    private static string? Unreadable(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read);
            return null;
        }
        catch (FileNotFoundException)
        {
            return "no such file";
        }
        catch (DirectoryNotFoundException)
        {
            return "no such directory";
        }
        catch (UnauthorizedAccessException)
        {
            return Directory.Exists(file) ? "it is a directory" : "permission denied";
        }
        catch (IOException e)
        {
            return e.GetType().Name;
        }
    }
}

/// <summary>Listen address syntax, a telemetry path that shadows no other endpoint, and the web configuration file.</summary>
public sealed class WebOptionsSemanticValidator : IValidateOptions<WebOptions>
{
    private static readonly string[] ReservedPaths = ["/healthz", "/readyz", "/-/reload"];

    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        var errors = new List<string>();
        if (ListenAddress.TryParse(options.ListenAddress) is null)
        {
            errors.Add($"Web:ListenAddress (--web.listen-address) '{options.ListenAddress}' must be host:port, :port or [ipv6]:port with a port from 0 to 65535.");
        }

        var path = options.TelemetryPath.TrimEnd('/');
        if (path.Length == 0 || ReservedPaths.Contains(path, StringComparer.OrdinalIgnoreCase)
            || path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) || path.Equals("/api", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Web:TelemetryPath (--web.telemetry-path) '{options.TelemetryPath}' is taken by another endpoint; not /, {string.Join(", ", ReservedPaths)} or under /api (e.g. /metrics).");
        }

        if (!string.IsNullOrEmpty(options.ConfigFile) && !File.Exists(options.ConfigFile))
        {
            errors.Add($"Web:ConfigFile (--web.config.file) '{options.ConfigFile}' cannot be read.");
        }
        else if (!string.IsNullOrEmpty(options.ConfigFile))
        {
            try
            {
                WebConfigFile.Load(options.ConfigFile);
            }
            catch (WebConfigException e)
            {
                errors.Add($"Web:ConfigFile (--web.config.file) '{options.ConfigFile}': {e.Message}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The state directory is probed: a file, or a directory the exporter cannot write, is an error at start.</summary>
public sealed class StateOptionsSemanticValidator : IValidateOptions<StateOptions>
{
    public ValidateOptionsResult Validate(string? name, StateOptions options)
    {
        var directory = options.Directory;
        if (directory.Length == 0)
        {
            return ValidateOptionsResult.Success; // Persistence disabled.
        }

        if (File.Exists(directory))
        {
            return ValidateOptionsResult.Fail($"State:Directory (--state.directory) '{directory}' is a file, not a directory.");
        }

        try
        {
            // The exporter creates it anyway on the first save; creating it now proves it can.
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var probe = Path.Combine(directory, ".probe");
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return ValidateOptionsResult.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ValidateOptionsResult.Fail(
                $"State:Directory (--state.directory) '{directory}' is not writable: {e.Message.TrimEnd('.')}; give a writable directory, or '' to disable persistence.");
        }
    }
}

/// <summary>Duration bounds, and backoff bounds that only make sense together.</summary>
public sealed class PollOptionsSemanticValidator : IValidateOptions<PollOptions>
{
    public ValidateOptionsResult Validate(string? name, PollOptions options)
    {
        var errors = new List<string>();
        DurationRule.Check("Poll:Interval (--poll.interval)", options.Interval, TimeSpan.FromSeconds(1), errors);
        DurationRule.Check("Poll:Timeout (--poll.timeout)", options.Timeout, TimeSpan.FromSeconds(1), errors);
        DurationRule.Check("Poll:BackoffInitial", options.BackoffInitial, TimeSpan.FromMilliseconds(100), errors);
        DurationRule.Check("Poll:BackoffMax", options.BackoffMax, TimeSpan.FromMilliseconds(100), errors);
        if (options.BackoffMax < options.BackoffInitial)
        {
            errors.Add("Poll:BackoffMax must not be smaller than Poll:BackoffInitial.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The one rule for every duration setting: at least a minimum, at most a day.</summary>
public static class DurationRule
{
    public static void Check(string key, TimeSpan? value, TimeSpan minimum, List<string> errors)
    {
        if (value is { } v && (v < minimum || v > TimeSpan.FromDays(1)))
        {
            errors.Add($"{key} is {v}; it must be between {minimum.TotalSeconds:0.###}s and 24h (e.g. 30s, 5m).");
        }
    }
}

/// <summary>Parses Prometheus-style listen addresses into something Kestrel can bind.</summary>
public static class ListenAddress
{
    public static IPEndPoint? TryParse(string address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }

        var text = address.StartsWith(':') ? "0.0.0.0" + address : address;
        if (text.StartsWith("localhost:", StringComparison.Ordinal))
        {
            text = "127.0.0.1" + text["localhost".Length..];
        }

        return IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal) ? endpoint : null;
    }
}
