using System.ComponentModel.DataAnnotations;

namespace Libvirt.Capabilities.Exporter.Options;

/// <summary>Section <c>Web</c>: where the HTTP endpoints listen.</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>9177 belongs to the libvirt runtime-stats exporter; this exporter takes its own port.</summary>
    public const string DefaultListenAddress = ":9866";

    public const string DefaultTelemetryPath = "/metrics";

    /// <summary>host:port, :port (all interfaces) or [ipv6]:port. Flag: --web.listen-address.</summary>
    [Required]
    public string ListenAddress { get; set; } = DefaultListenAddress;

    /// <summary>Path of the Prometheus endpoint. Flag: --web.telemetry-path.</summary>
    [Required]
    [RegularExpression("^/[A-Za-z0-9._~/-]*$", ErrorMessage = "Web:TelemetryPath (--web.telemetry-path) must be a URL path starting with '/'.")]
    public string TelemetryPath { get; set; } = DefaultTelemetryPath;

    /// <summary>Enables POST /-/reload (as Prometheus does); SIGHUP always reloads. Flag: --web.enable-lifecycle.</summary>
    public bool EnableLifecycle { get; set; }

    /// <summary>exporter-toolkit web configuration (TLS, basic auth). Flag: --web.config.file.</summary>
    public string? ConfigFile { get; set; }
}
