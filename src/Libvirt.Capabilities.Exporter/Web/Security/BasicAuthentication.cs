using System.Net.Http.Headers;
using System.Text;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// <c>basic_auth_users</c>: when there are any, every request needs the user name and password of one of them
/// (bcrypt-verified); otherwise 401 with <c>WWW-Authenticate: Basic</c>. Nothing about the credentials is logged.
/// </summary>
public sealed class BasicAuthentication
{
    private readonly Func<IReadOnlyDictionary<string, string>> users;
    private readonly VerifiedCredentials cache = new();

    // bcrypt is slow on purpose: one at a time keeps a flood of bad passwords to one core, and waiting
    // requests do not hold threads.
    private readonly SemaphoreSlim bcrypt = new(1, 1);

    // Unknown users are checked against a hash of the same cost, so timing does not tell which users exist.
    private readonly Lazy<string> decoy;

    /// <param name="users">User name to bcrypt hash, as the web configuration in force has them.</param>
    public BasicAuthentication(Func<IReadOnlyDictionary<string, string>> users)
    {
        this.users = users;
        decoy = new Lazy<string>(() =>
            BCrypt.Net.BCrypt.HashPassword(Guid.NewGuid().ToString(), users().Values.Select(BcryptHash.CostOf).DefaultIfEmpty(10).Max()));
    }

    public void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var current = users();
        if (current.Count == 0
            || (ReadCredentials(context.Request) is var (user, password) && await Verify(current, user, password).ConfigureAwait(false)))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic";
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("Unauthorized\n").ConfigureAwait(false);
    });

    private async Task<bool> Verify(IReadOnlyDictionary<string, string> users, string user, string password)
    {
        var known = users.TryGetValue(user, out var hash);
        if (known && cache.Contains(user, hash!, password))
        {
            return true;
        }

        bool matches;
        await bcrypt.WaitAsync().ConfigureAwait(false);
        try
        {
            matches = BCrypt.Net.BCrypt.Verify(password, known ? hash : decoy.Value);
        }
        finally
        {
            bcrypt.Release();
        }

        if (known && matches)
        {
            cache.Add(user, hash!, password);
        }

        return known && matches;
    }

    private static (string User, string Password)? ReadCredentials(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return null;
        }

        var buffer = new byte[header.Parameter.Length];
        if (!Convert.TryFromBase64String(header.Parameter, buffer, out var length))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, length);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : (text[..colon], text[(colon + 1)..]);
    }
}
