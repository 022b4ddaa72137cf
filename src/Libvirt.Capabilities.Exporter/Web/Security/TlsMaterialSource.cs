using Microsoft.Extensions.Logging.Abstractions;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// The current <see cref="TlsMaterial"/>, re-read when cert_file, key_file or client_ca_file change (size or
/// modification time, one stat each per handshake), so rotated certificates are served without a restart.
/// Files caught mid-rotation (a new certificate beside the old key) keep the last good material until the
/// next change, and the failure is logged once.
/// </summary>
public sealed partial class TlsMaterialSource
{
    private readonly TlsServerConfig config;
    private readonly Lock reloading = new();
    private ILogger logger = NullLogger.Instance;
    private volatile Snapshot current;

    public TlsMaterialSource(TlsServerConfig config)
    {
        this.config = config;
        current = new Snapshot(Signature(), TlsMaterial.Load(config));
    }

    /// <summary>Where reload failures go; set once the host's logging exists.</summary>
    public ILogger Logger { set => logger = value; }

    public TlsMaterial Current
    {
        get
        {
            var signature = Signature();
            var snapshot = current;
            if (signature == snapshot.Signature)
            {
                return snapshot.Material;
            }

            lock (reloading)
            {
                if (current.Signature != signature)
                {
                    current = Reload(signature, current.Material);
                }

                return current.Material;
            }
        }
    }

    private Snapshot Reload(string signature, TlsMaterial previous)
    {
        try
        {
            var material = TlsMaterial.Load(config);
            LogReloaded(logger, material.Certificate.TargetCertificate.Subject, material.Certificate.TargetCertificate.NotAfter);
            return new Snapshot(signature, material);
        }
        catch (WebConfigException e)
        {
            // The signature is remembered: the same broken files are not retried (and logged) at every handshake.
            LogReloadFailed(logger, e.Message);
            return new Snapshot(signature, previous);
        }
    }

    private string Signature() => string.Join('|', new[] { config.Certificate, config.Key, config.ClientCa }.Select(StatOf));

    private static string StatOf(PemSource? source)
    {
        if (source?.Path is not { } path)
        {
            return "";
        }

        var file = new FileInfo(path);
        return file.Exists ? $"{file.Length}@{file.LastWriteTimeUtc.Ticks}" : "missing";
    }

    private sealed record Snapshot(string Signature, TlsMaterial Material);

    [LoggerMessage(LogEvents.TlsCertificateReloaded, LogLevel.Information, "TLS certificate files changed: now serving {Subject}, valid until {NotAfter:o}")]
    private static partial void LogReloaded(ILogger logger, string subject, DateTime notAfter);

    [LoggerMessage(LogEvents.TlsCertificateReloadFailed, LogLevel.Error, "TLS certificate files changed but cannot be used, still serving the previous certificate: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}
