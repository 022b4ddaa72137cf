namespace Libvirt.Capabilities.Connection;

/// <summary>libvirt encodes versions as major * 1,000,000 + minor * 1,000 + release.</summary>
public static class LibvirtVersion
{
    public static string Format(ulong encoded) =>
        $"{encoded / 1_000_000}.{encoded / 1_000 % 1_000}.{encoded % 1_000}";
}
