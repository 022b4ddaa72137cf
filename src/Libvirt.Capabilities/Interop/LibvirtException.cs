namespace Libvirt.Capabilities.Interop;

/// <summary>A libvirt call failed; carries libvirt's own error code, domain and message.</summary>
public sealed class LibvirtException : Exception
{
    public LibvirtException(string api, int code, int domain, string message)
        : base($"{api}: {message}")
    {
        Api = api;
        Code = code;
        ErrorDomain = domain;
        LibvirtMessage = message;
    }

    /// <summary>The libvirt function that failed, e.g. virConnectGetDomainCapabilities.</summary>
    public string Api { get; }

    /// <summary>virErrorNumber.</summary>
    public int Code { get; }

    /// <summary>virErrorDomain.</summary>
    public int ErrorDomain { get; }

    public string LibvirtMessage { get; }

    /// <summary>A read-only connection refused the call (e.g. virConnectGetDomainCapabilities).</summary>
    public bool IsOperationDenied => Code == NativeMethods.VIR_ERR_OPERATION_DENIED;

    /// <summary>The connection driver does not implement the call (e.g. the test driver and domain capabilities).</summary>
    public bool IsNotSupported => Code == NativeMethods.VIR_ERR_NO_SUPPORT;

    /// <summary>virConnectCompareHypervisorCPU judged the CPU incompatible (asked to fail with the blocking features).</summary>
    public bool IsCpuIncompatible => Code == NativeMethods.VIR_ERR_CPU_INCOMPATIBLE;
}
