using System.Net.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// What <c>--web.config.file</c> does to the HTTP endpoint: Kestrel's TLS with certificates re-read on change,
/// then, for every request, the extra headers, basic auth and the GET/HEAD method policy.
/// </summary>
public sealed partial class WebSecurity
{
    private readonly string? file;
    private readonly TlsMaterialSource? tls;
    private readonly CipherSuitesPolicy? cipherSuites;

    private WebSecurity(string? file, WebConfig config)
    {
        this.file = file;
        Config = config;
        if (config.Tls is { } tlsConfig)
        {
            tls = new TlsMaterialSource(tlsConfig);
            if (tlsConfig.CipherSuites.Count > 0 && OperatingSystem.IsLinux())
            {
                cipherSuites = new CipherSuitesPolicy(CipherSuiteNames.PolicyFor(tlsConfig.CipherSuites));
            }
        }
    }

    public WebConfig Config { get; }

    /// <summary>Loads the web configuration file (already validated with the settings); none means plain HTTP.</summary>
    public static WebSecurity Load(string? configFile) => string.IsNullOrEmpty(configFile)
        ? new WebSecurity(null, WebConfig.None)
        : new WebSecurity(configFile, WebConfigFile.Load(configFile));

    /// <summary>Turns TLS on for a Kestrel endpoint when the file has a tls_server_config.</summary>
    public void ConfigureListener(ListenOptions listen)
    {
        if (tls is null || Config.Tls is not { } config)
        {
            return;
        }

        tls.Logger = listen.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger<WebSecurity>();
        listen.Protocols = Config.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            // Per handshake, so a rotated certificate or client CA is used from the next connection on.
            OnConnection = _ =>
            {
                var material = tls.Current;
                return ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = material.Certificate,
                    EnabledSslProtocols = config.Protocols,
                    CipherSuitesPolicy = cipherSuites,
                    ClientCertificateRequired = config.ClientAuth.Asks(),
                    RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                        ClientCertificateValidator.Accept(config.ClientAuth, certificate, chain, material.ClientCas),
                });
            },
        });
    }

    /// <summary>Adds the request pipeline in front of the endpoints; call before mapping them.</summary>
    public void Use(WebApplication app, bool enableLifecycle)
    {
        if (file is not null)
        {
            LogWebConfig(
                app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<WebSecurity>(),
                file,
                Config.Tls is null ? "off" : $"on, client auth {Config.Tls.ClientAuth}",
                Config.Users.Count,
                Config.Tls is not null && Config.Http2);
        }

        SecurityHeaders.Use(app, Config.Headers);
        if (Config.Users.Count > 0)
        {
            new BasicAuthentication(Config.Users).Use(app);
        }

        HttpMethodPolicy.Use(app, enableLifecycle);

        // Routing after the method policy, so a HEAD request is routed as the GET it was turned into.
        app.UseRouting();
    }

    [LoggerMessage(LogEvents.WebConfigLoaded, LogLevel.Information, "Web configuration {File}: TLS {Tls}, basic auth users {Users}, HTTP/2 {Http2}")]
    private static partial void LogWebConfig(ILogger logger, string file, string tls, int users, bool http2);
}
