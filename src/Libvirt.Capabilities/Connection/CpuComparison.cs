namespace Libvirt.Capabilities.Connection;

/// <summary>virCPUCompareResult values a successful comparison returns.</summary>
public enum CpuComparison
{
    Incompatible = 0,
    Identical = 1,
    Superset = 2,
}
