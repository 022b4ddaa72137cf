using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>The bounded set of <c>reason</c> label values for collection errors.</summary>
public static class ErrorReasons
{
    public const string Unreachable = "unreachable";
    public const string ReadOnly = "read_only";
    public const string NotSupported = "not_supported";
    public const string ParseError = "parse_error";
    public const string Timeout = "timeout";
    public const string LibvirtError = "libvirt_error";
    public const string Internal = "internal";

    public static string Classify(Exception exception) => exception switch
    {
        LibvirtException { IsOperationDenied: true } => ReadOnly,
        LibvirtException { IsNotSupported: true } => NotSupported,
        LibvirtException { Api: "virConnectOpenAuth" } => Unreachable,
        LibvirtException => LibvirtError,
        CapabilitiesParseException => ParseError,
        TimeoutException => Timeout,
        _ => Internal,
    };
}
