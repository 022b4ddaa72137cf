namespace Libvirt.Capabilities.Exporter.Tests.Oracle;

/// <summary>
/// libvirt's scaled integers (basictypes.rng "unit", formatdomain.html "memory"): b or bytes, then k/KiB = 1024,
/// KB = 1000, and so on up to E. Written here from the documentation, not taken from the exporter.
/// </summary>
internal static class ScaledInteger
{
    private static readonly string[] Prefixes = ["k", "m", "g", "t", "p", "e"];

    public static double? Factor(string unit)
    {
        var lower = unit.ToLowerInvariant();
        if (lower is "b" or "byte" or "bytes")
        {
            return 1;
        }

        var power = Array.IndexOf(Prefixes, lower[..1]) + 1;
        return power == 0 ? null : lower[1..] switch
        {
            "" or "ib" => Math.Pow(1024, power),
            "b" => Math.Pow(1000, power),
            _ => null,
        };
    }

    public static double Bytes(string value, string? unit, string defaultUnit) =>
        ulong.Parse(value, System.Globalization.CultureInfo.InvariantCulture) * (Factor(unit ?? defaultUnit) ?? throw new FormatException($"unit '{unit}'"));
}
