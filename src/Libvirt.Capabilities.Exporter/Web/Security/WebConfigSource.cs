using System.Net.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// The web configuration in force. Like exporter-toolkit, which reads the file at every request, a change of the
/// file (size or modification time, one stat per request or handshake) applies at once: users, headers and TLS
/// settings, the rate limit. Whether TLS is on and HTTP/2 are fixed when Kestrel starts listening, so a file that changes them
/// is refused; a refused or broken file is logged once and the last good configuration stays in force.
/// </summary>
public sealed partial class WebConfigSource
{
    private readonly string? path;
    private readonly Lock reloading = new();
    private ILogger logger = NullLogger.Instance;
    private volatile Active current;

    /// <summary>Loads <paramref name="path"/> (already validated with the settings); none means plain HTTP, for good.</summary>
    public WebConfigSource(string? path)
    {
        this.path = string.IsNullOrEmpty(path) ? null : path;
        current = new Active(Stat(this.path), this.path is null ? WebConfig.None : WebConfigFile.Load(this.path));
    }

    /// <summary>Where reload problems go; set once the host's logging exists.</summary>
    public ILogger Logger
    {
        set
        {
            logger = value;
            current.Tls?.Logger = value;
        }
    }

    public Active Current
    {
        get
        {
            var signature = Stat(path);
            if (signature == current.Signature)
            {
                return current;
            }

            lock (reloading)
            {
                if (signature != current.Signature)
                {
                    current = Reload(signature, current);
                }

                return current;
            }
        }
    }

    private Active Reload(string signature, Active previous)
    {
        try
        {
            var config = WebConfigFile.Load(path!);
            if ((config.Tls is null) != (previous.Config.Tls is null) || config.Http2 != previous.Config.Http2)
            {
                throw new WebConfigException("turning TLS on or off and changing http2 need a restart");
            }

            var active = new Active(signature, config);
            active.Tls?.Logger = logger;
            LogReloaded(logger, path!);
            return active;
        }
        catch (WebConfigException e)
        {
            // The signature is remembered: the same file is not tried (and logged) again at every request.
            LogReloadFailed(logger, path!, e.Message);
            return previous with { Signature = signature };
        }
    }

    private static string Stat(string? path)
    {
        if (path is null)
        {
            return "";
        }

        var file = new FileInfo(path);
        return file.Exists ? $"{file.Length}@{file.LastWriteTimeUtc.Ticks}" : "missing";
    }

    /// <summary>One version of the file, with what it takes to serve it.</summary>
    public sealed record Active
    {
        public Active(string signature, WebConfig config)
        {
            Signature = signature;
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

        public string Signature { get; init; }

        public WebConfig Config { get; }

        /// <summary>Certificate, key and client CAs, themselves re-read when their files change.</summary>
        public TlsMaterialSource? Tls { get; }

        /// <summary>The token bucket of this version of the file (a changed file starts a full one).</summary>
        public RequestRateLimit? RateLimit { get; }

        public CipherSuitesPolicy? CipherSuites { get; }
    }

    [LoggerMessage(LogEvents.WebConfigReloaded, LogLevel.Information, "Web configuration {File} changed and is in force")]
    private static partial void LogReloaded(ILogger logger, string file);

    [LoggerMessage(LogEvents.WebConfigReloadFailed, LogLevel.Error, "Web configuration {File} changed but cannot be used, the previous one stays in force: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string file, string reason);
}
