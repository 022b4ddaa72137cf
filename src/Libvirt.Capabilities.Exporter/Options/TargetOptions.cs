using Libvirt.Capabilities.Connection;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>One libvirt URI to poll. Interval and timeout default to the <c>Poll</c> section.</summary>
public sealed class TargetOptions
{
    /// <summary>Value of the target label; defaults to the URI without user-info and query.</summary>
    public string? Name { get; set; }

    public string Uri { get; set; } = "";

    public TimeSpan? Interval { get; set; }

    public TimeSpan? Timeout { get; set; }

    /// <summary>Open read-only: host capabilities only; domain capabilities are reported as unavailable (read_only).</summary>
    public bool ReadOnly { get; set; }

    /// <summary>Username for SASL/password authentication (never logged).</summary>
    public string? Username { get; set; }

    /// <summary>File whose first line is the password (never logged); keeps the secret out of the configuration.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>The group whose targets are compared with each other for CPU compatibility (fleet series).</summary>
    public string? Group { get; set; }

    public string EffectiveName => string.IsNullOrWhiteSpace(Name) ? DefaultName(Uri) : Name;

    public string EffectiveGroup => string.IsNullOrWhiteSpace(Group) ? DefaultGroup : Group;

    public const string DefaultGroup = "default";

    /// <summary>How to open this target; reads the password file at each call, so a rotated password is picked up.</summary>
    /// <exception cref="IOException">The password file cannot be read; the message names neither the file nor its content.</exception>
    public ConnectionSettings ConnectionSettings()
    {
        if (Username is null && PasswordFile is null)
        {
            return new ConnectionSettings(Uri, ReadOnly);
        }

        string? password = null;
        try
        {
            password = PasswordFile is null ? null : File.ReadLines(PasswordFile).FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The path is a credential location: say what failed, not where.
            throw new IOException($"the password file (PasswordFile) cannot be read: {(e is UnauthorizedAccessException ? "permission denied" : e.GetType().Name)}");
        }

        return new ConnectionSettings(Uri, ReadOnly, new LibvirtCredentials(Username, password));
    }

    /// <summary>A readable name from the URI, with user-info and query stripped so no secret reaches a label.</summary>
    public static string DefaultName(string uri) => Libvirt.Capabilities.Connection.LibvirtUri.Display(uri);
}
