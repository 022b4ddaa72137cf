using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Interop;

namespace Libvirt.Capabilities.Exporter.Fleet;

/// <summary>Asks a destination's libvirt whether it can run a CPU and turns every answer into a verdict.</summary>
public static class CpuComparer
{
    /// <summary>
    /// virConnectCompareHypervisorCPU on the destination's default emulator and machine for <paramref name="arch"/>
    /// and <paramref name="virtType"/>. Blocks: callers bound it with a deadline. libvirt errors other than
    /// "incompatible" (an unknown feature or model, a read-only connection, an unsupported virt type) mean the
    /// destination cannot judge: unknown, never incompatible.
    /// </summary>
    public static CompatVerdict Compare(ILibvirtConnection destination, string? arch, string? virtType, string cpuXml)
    {
        ArgumentNullException.ThrowIfNull(destination);
        try
        {
            return CompatVerdict.Of(destination.CompareHypervisorCpu(null, arch, null, virtType, cpuXml));
        }
        catch (LibvirtException e) when (e.IsCpuIncompatible)
        {
            return CompatVerdict.Incompatible(e.LibvirtMessage);
        }
        catch (LibvirtException e)
        {
            return CompatVerdict.Unknown(e.LibvirtMessage);
        }
    }
}
