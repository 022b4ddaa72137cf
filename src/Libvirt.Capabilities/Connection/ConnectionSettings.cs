namespace Libvirt.Capabilities.Connection;

/// <summary>How to open one connection.</summary>
/// <param name="Uri">Any URI libvirt accepts, e.g. qemu:///system or qemu+tcp://host/system.</param>
/// <param name="ReadOnly">Open with VIR_CONNECT_RO: enough for host capabilities, refused for domain capabilities.</param>
/// <param name="Credentials">Answers for SASL/password prompts; null means no interactive credentials.</param>
/// <param name="KeepAliveIntervalSeconds">virConnectSetKeepAlive interval; 0 or less disables keepalive.</param>
/// <param name="KeepAliveCount">Unanswered keepalives before libvirt closes the connection.</param>
public sealed record ConnectionSettings(
    string Uri,
    bool ReadOnly = false,
    LibvirtCredentials? Credentials = null,
    int KeepAliveIntervalSeconds = 5,
    uint KeepAliveCount = 3);

/// <summary>Credentials for libvirt's auth callback. Never logged, never put into labels.</summary>
public sealed record LibvirtCredentials(string? Username, string? Password)
{
    public override string ToString() => "LibvirtCredentials { *** }";
}
