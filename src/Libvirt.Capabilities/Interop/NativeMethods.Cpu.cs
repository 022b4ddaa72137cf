using System.Runtime.InteropServices;

namespace Libvirt.Capabilities.Interop;

/// <summary>Raw declarations of the hypervisor-CPU calls from libvirt-host.h (since libvirt 4.4.0).</summary>
/// <remarks>https://libvirt.org/html/libvirt-libvirt-host.html#virConnectCompareHypervisorCPU</remarks>
internal static unsafe partial class NativeMethods
{
    /// <summary>Returns a virCPUCompareResult, or -1 (VIR_CPU_COMPARE_ERROR) with the thread's last error set.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virConnectCompareHypervisorCPU(
        SafeConnectionHandle conn, string? emulator, string? arch, string? machine, string? virttype, string xmlCPU, uint flags);

    /// <summary>Returns a string the caller must free().</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial byte* virConnectBaselineHypervisorCPU(
        SafeConnectionHandle conn, string? emulator, string? arch, string? machine, string? virttype, string[] xmlCPUs, uint ncpus, uint flags);

    // virConnectCompareCPUFlags: an incompatible CPU becomes an error whose message names the blocking features.
    internal const uint VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE = 1 << 0;

    // virConnectBaselineCPUFlags.
    internal const uint VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES = 1 << 0;
    internal const uint VIR_CONNECT_BASELINE_CPU_MIGRATABLE = 1 << 1;
}
