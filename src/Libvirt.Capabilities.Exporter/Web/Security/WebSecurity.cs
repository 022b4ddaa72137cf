using System.Net.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// What <c>--web.config.file</c> does to the HTTP endpoint: Kestrel's TLS, then, for every request, the rate
/// limit, extra headers, basic auth and the GET/HEAD method policy; each from the configuration in force.
/// </summary>
public sealed partial class WebSecurity
{
    private readonly string? file;
    private readonly WebConfigSource source;

    private WebSecurity(string? file)
    {
        this.file = file;
        source = new WebConfigSource(file);
    }

    /// <summary>Loads the web configuration file (already validated with the settings); none means plain HTTP.</summary>
    public static WebSecurity Load(string? configFile) => new(string.IsNullOrEmpty(configFile) ? null : configFile);

    /// <summary>Turns TLS on for a Kestrel endpoint when the file has a tls_server_config.</summary>
    public void ConfigureListener(ListenOptions listen)
    {
        var start = source.Current.Config;
        if (start.Tls is null)
        {
            return;
        }

        source.Logger = listen.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger<WebSecurity>();
        listen.Protocols = start.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            // Per handshake, so a changed file or a rotated certificate is used from the next connection on.
            OnConnection = _ =>
            {
                var active = source.Current;
                var tls = active.Config.Tls!;
                var material = active.Tls!.Current;
                return ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = material.Certificate,
                    EnabledSslProtocols = tls.Protocols,
                    CipherSuitesPolicy = active.CipherSuites,
                    ClientCertificateRequired = tls.ClientAuth.Asks(),
                    RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                        ClientCertificateValidator.Accept(tls, certificate, chain, material.ClientCas),
                });
            },
        });
    }

    /// <summary>Adds the request pipeline in front of the endpoints; call before mapping them.</summary>
    public void Use(WebApplication app, bool enableLifecycle)
    {
        if (file is not null)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<WebSecurity>();
            source.Logger = logger;
            var config = source.Current.Config;
            LogWebConfig(logger, file, config.Tls is null ? "off" : $"on, client auth {config.Tls.ClientAuth}", config.Users.Count, config.Tls is not null && config.Http2);

            // All stay in the pipeline even when the file does not use them yet: it may later.
            RequestRateLimit.Use(app, () => source.Current.RateLimit);
            SecurityHeaders.Use(app, () => source.Current.Config.Headers);
            new BasicAuthentication(() => source.Current.Config.Users).Use(app);
        }

        HttpMethodPolicy.Use(app, enableLifecycle);

        // Routing after the method policy, so a HEAD request is routed as the GET it was turned into.
        app.UseRouting();
    }

    [LoggerMessage(LogEvents.WebConfigLoaded, LogLevel.Information, "Web configuration {File}: TLS {Tls}, basic auth users {Users}, HTTP/2 {Http2}")]
    private static partial void LogWebConfig(ILogger logger, string file, string tls, int users, bool http2);
}
