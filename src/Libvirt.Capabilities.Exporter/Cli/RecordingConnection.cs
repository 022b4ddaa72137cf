using Libvirt.Capabilities.Connection;

namespace Libvirt.Capabilities.Exporter.Cli;

/// <summary>
/// Passes every call through to a real connection and keeps the capabilities documents it returns, so that
/// <c>capture</c> saves exactly what one live poll read, through the same collection code.
/// </summary>
public sealed class RecordingConnection(ILibvirtConnection inner) : ILibvirtConnection
{
    private readonly List<string> domainCapabilities = [];

    public string? HostCapabilities { get; private set; }

    /// <summary>Every domain-capabilities document returned, in call order.</summary>
    public IReadOnlyList<string> DomainCapabilities => domainCapabilities;

    public string Uri => inner.Uri;

    public bool ReadOnly => inner.ReadOnly;

    public string GetCapabilities() => HostCapabilities = inner.GetCapabilities();

    public string GetDomainCapabilities(string? emulator, string? arch, string? machine, string? virtType)
    {
        var xml = inner.GetDomainCapabilities(emulator, arch, machine, virtType);
        domainCapabilities.Add(xml);
        return xml;
    }

    public string GetLibVersion() => inner.GetLibVersion();

    public string GetHypervisorVersion() => inner.GetHypervisorVersion();

    public string GetHypervisorType() => inner.GetHypervisorType();

    public string GetHostname() => inner.GetHostname();

    public CpuComparison CompareHypervisorCpu(string? emulator, string? arch, string? machine, string? virtType, string cpuXml) =>
        inner.CompareHypervisorCpu(emulator, arch, machine, virtType, cpuXml);

    public string BaselineHypervisorCpu(string? emulator, string? arch, string? machine, string? virtType, IReadOnlyList<string> cpuXmls) =>
        inner.BaselineHypervisorCpu(emulator, arch, machine, virtType, cpuXmls);

    public bool IsAlive() => inner.IsAlive();

    public void Dispose() => inner.Dispose();
}
