using System.Net.Http.Headers;
using System.Text;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// <c>basic_auth_users</c>: every request needs the user name and password of one of them (bcrypt-verified);
/// otherwise 401 with <c>WWW-Authenticate: Basic</c>. Nothing about the credentials is logged.
/// </summary>
public sealed class BasicAuthentication
{
    private readonly IReadOnlyDictionary<string, string> users;
    private readonly VerifiedCredentials cache = new();

    // bcrypt is slow on purpose: one at a time keeps a flood of bad passwords to one core, and waiting
    // requests do not hold threads.
    private readonly SemaphoreSlim bcrypt = new(1, 1);

    // Unknown users are checked against a hash of the same cost, so timing does not tell which users exist.
    private readonly Lazy<string> decoy;

    public BasicAuthentication(IReadOnlyDictionary<string, string> users)
    {
        this.users = users;
        var cost = users.Values.Select(BcryptHash.CostOf).DefaultIfEmpty(10).Max();
        decoy = new Lazy<string>(() => BCrypt.Net.BCrypt.HashPassword(Guid.NewGuid().ToString(), cost));
    }

    public void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (ReadCredentials(context.Request) is var (user, password) && await Verify(user, password).ConfigureAwait(false))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic";
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("Unauthorized\n").ConfigureAwait(false);
    });

    public async Task<bool> Verify(string user, string password)
    {
        var known = users.TryGetValue(user, out var hash);
        if (known && cache.Contains(user, password))
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
            cache.Add(user, password);
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
