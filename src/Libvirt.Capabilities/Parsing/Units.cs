namespace Libvirt.Capabilities.Parsing;

/// <summary>libvirt's scaled-integer units (basictypes.rng "unit"), converted to bytes.</summary>
public static class Units
{
    public static bool TryToBytes(double value, string? unit, out double bytes)
    {
        double? factor = unit?.ToUpperInvariant() switch
        {
            null or "" or "B" or "BYTES" => 1,
            "K" or "KIB" => 1024d,
            "KB" => 1000d,
            "M" or "MIB" => 1024d * 1024,
            "MB" => 1000d * 1000,
            "G" or "GIB" => 1024d * 1024 * 1024,
            "GB" => 1e9,
            "T" or "TIB" => 1024d * 1024 * 1024 * 1024,
            "TB" => 1e12,
            "P" or "PIB" => 1024d * 1024 * 1024 * 1024 * 1024,
            "PB" => 1e15,
            "E" or "EIB" => 1024d * 1024 * 1024 * 1024 * 1024 * 1024,
            "EB" => 1e18,
            _ => null,
        };
        bytes = factor is { } f ? value * f : 0;
        return factor is not null;
    }
}
