using System.Net.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// The web configuration in force. Like exporter-toolkit, which reads the file at every request, a changed file
/// applies at once: users, headers, TLS settings, the rate limit. Whether TLS is on and HTTP/2 are fixed when
/// Kestrel starts listening, so a file that changes them is refused; a refused or broken file is logged once
/// and the last good configuration stays in force.
/// </summary>
public sealed partial class WebConfigSource
{
    private readonly ReloadOnChange<Active> active;
    private ILogger logger = NullLogger.Instance;

    /// <summary>Loads <paramref name="path"/> (already validated with the settings); none means plain HTTP, for good.</summary>
    public WebConfigSource(string? path)
    {
        path = string.IsNullOrEmpty(path) ? null : path;
        active = new ReloadOnChange<Active>(
            new Active(path is null ? WebConfig.None : WebConfigFile.Load(path)),
            () => [path],
            previous => Reload(path!, previous),
            loaded =>
            {
                loaded.Tls?.Logger = logger;
                LogReloaded(logger, path!);
            },
            reason => LogReloadFailed(logger, path!, reason));
    }

    /// <summary>Where reloads are reported; set once the host's logging exists.</summary>
    public ILogger Logger
    {
        set
        {
            logger = value;
            active.Value.Tls?.Logger = value;
        }
    }

    public Active Current => active.Value;

    private static Active Reload(string path, Active previous)
    {
        var config = WebConfigFile.Load(path);
        return (config.Tls is null) != (previous.Config.Tls is null) || config.Http2 != previous.Config.Http2
            ? throw new WebConfigException("turning TLS on or off and changing http2 need a restart")
            : new Active(config);
    }

    /// <summary>One version of the file, with what it takes to serve it.</summary>
    public sealed class Active
    {
        public Active(WebConfig config)
        {
            Config = config;
            RateLimit = config.RateLimit is { } limit ? new RequestRateLimit(limit.Interval, limit.Burst, TimeProvider.System) : null;
            if (config.Tls is { } tls)
            {
                Tls = new TlsMaterialSource(tls);
                if (tls.CipherSuites.Count > 0 && OperatingSystem.IsLinux())
                {
                    CipherSuites = new CipherSuitesPolicy(CipherSuiteNames.PolicyFor(tls.CipherSuites));
                }
            }
        }

        public WebConfig Config { get; }

        /// <summary>Certificate, key and client CAs, themselves re-read when their files change.</summary>
        public TlsMaterialSource? Tls { get; }

        public CipherSuitesPolicy? CipherSuites { get; }

        /// <summary>The token bucket of this version of the file (a changed file starts a full one).</summary>
        public RequestRateLimit? RateLimit { get; }
    }

    [LoggerMessage(LogEvents.WebConfigReloaded, LogLevel.Information, "Web configuration {File} changed and is in force")]
    private static partial void LogReloaded(ILogger logger, string file);

    [LoggerMessage(LogEvents.WebConfigReloadFailed, LogLevel.Error, "Web configuration {File} changed but cannot be used, the previous one stays in force: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string file, string reason);
}
