using Microsoft.Extensions.Logging.Abstractions;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// The current <see cref="TlsMaterial"/>, re-read when cert_file, key_file or client_ca_file change, so rotated
/// certificates are served from the next handshake on without a restart. Files caught mid-rotation (a new
/// certificate beside the old key) keep the last good material until the next change; that is logged once.
/// </summary>
public sealed partial class TlsMaterialSource
{
    private readonly ReloadOnChange<TlsMaterial> material;
    private ILogger logger = NullLogger.Instance;

    public TlsMaterialSource(TlsServerConfig config)
    {
        material = new ReloadOnChange<TlsMaterial>(
            TlsMaterial.Load(config),
            () => [config.Certificate.Path, config.Key.Path, config.ClientCa?.Path],
            _ => TlsMaterial.Load(config),
            loaded => LogReloaded(logger, loaded.Certificate.TargetCertificate.Subject, loaded.Certificate.TargetCertificate.NotAfter),
            reason => LogReloadFailed(logger, reason));
    }

    /// <summary>Where reloads are reported; set once the host's logging exists.</summary>
    public ILogger Logger { set => logger = value; }

    public TlsMaterial Current => material.Value;

    [LoggerMessage(LogEvents.TlsCertificateReloaded, LogLevel.Information, "TLS certificate files changed: now serving {Subject}, valid until {NotAfter:o}")]
    private static partial void LogReloaded(ILogger logger, string subject, DateTime notAfter);

    [LoggerMessage(LogEvents.TlsCertificateReloadFailed, LogLevel.Error, "TLS certificate files changed but cannot be used, still serving the previous certificate: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}
