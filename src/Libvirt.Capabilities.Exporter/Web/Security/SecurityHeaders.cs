namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// <c>http_server_config.headers</c>: exporter-toolkit's fixed set of headers an operator may add to every
/// response, with the values it allows where the header has an enumeration.
/// </summary>
public static class SecurityHeaders
{
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Strict-Transport-Security"] = [],
        ["X-Content-Type-Options"] = ["nosniff"],
        ["X-Frame-Options"] = ["deny", "sameorigin"],
        ["X-XSS-Protection"] = [],
        ["Content-Security-Policy"] = [],
    };

    /// <summary>Why a header cannot be configured with this value, in exporter-toolkit's words; null when it can.</summary>
    public static string? Check(string name, string value)
    {
        if (!Allowed.TryGetValue(name, out var values))
        {
            return $"HTTP header \"{name}\" can not be configured; allowed: {string.Join(", ", Allowed.Keys)}";
        }

        return values.Length == 0 || values.Contains(value, StringComparer.Ordinal)
            ? null
            : $"invalid value for {name}. Expected one of: {string.Join(" ", values.Select(v => $"\"{v}\""))}, but got: \"{value}\"";
    }

    /// <summary>Sets the headers on every response, before authentication, so a 401 carries them too.</summary>
    public static void Use(IApplicationBuilder app, Func<IReadOnlyDictionary<string, string>> headers) => app.Use((context, next) =>
    {
        foreach (var (name, value) in headers())
        {
            // Blank values mean "unset", as in exporter-toolkit.
            if (value.Length > 0)
            {
                context.Response.Headers[name] = value;
            }
        }

        return next(context);
    });
}
