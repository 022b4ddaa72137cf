namespace Libvirt.Capabilities.Connection;

/// <summary>
/// The libvirt calls the exporter makes on one open connection. This is the seam that fault-injection
/// tests replace; the real implementation is <see cref="LibvirtConnection"/>. Methods block: callers
/// that need a deadline run them off the request thread.
/// </summary>
public interface ILibvirtConnection : IDisposable
{
    /// <summary>The URI libvirt resolved for this connection (without credentials).</summary>
    string Uri { get; }

    bool ReadOnly { get; }

    /// <summary>virConnectGetCapabilities: host capabilities XML.</summary>
    string GetCapabilities();

    /// <summary>virConnectGetDomainCapabilities: domain capabilities XML; null arguments let libvirt choose.</summary>
    string GetDomainCapabilities(string? emulator, string? arch, string? machine, string? virtType);

    /// <summary>virConnectGetLibVersion: the libvirt version of the daemon, e.g. 9.0.0.</summary>
    string GetLibVersion();

    /// <summary>virConnectGetVersion: the hypervisor version, e.g. 7.2.0 for QEMU.</summary>
    string GetHypervisorVersion();

    /// <summary>virConnectGetType: the driver name, e.g. QEMU.</summary>
    string GetHypervisorType();

    /// <summary>virConnectGetHostname.</summary>
    string GetHostname();

    /// <summary>
    /// virConnectCompareHypervisorCPU with VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE: can the hypervisor (for this
    /// emulator, arch, machine and virt type; null lets libvirt choose) provide the CPU of <paramref name="cpuXml"/>?
    /// Returns Identical or Superset; an incompatible CPU throws a LibvirtException with
    /// <c>IsCpuIncompatible</c>, whose message names the blocking features.
    /// </summary>
    CpuComparison CompareHypervisorCpu(string? emulator, string? arch, string? machine, string? virtType, string cpuXml);

    /// <summary>
    /// virConnectBaselineHypervisorCPU with EXPAND_FEATURES and MIGRATABLE: the most capable CPU that every given
    /// CPU can provide and this hypervisor can run, as a <c>&lt;cpu&gt;</c> element with every feature listed.
    /// </summary>
    string BaselineHypervisorCpu(string? emulator, string? arch, string? machine, string? virtType, IReadOnlyList<string> cpuXmls);

    /// <summary>virConnectIsAlive: false once the connection dropped (keepalive timeout, EOF).</summary>
    bool IsAlive();
}
