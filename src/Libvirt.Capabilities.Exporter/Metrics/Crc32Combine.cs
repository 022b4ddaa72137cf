namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// The CRC-32 of two byte strings put end to end, from their CRCs and the second one's length, as zlib's
/// <c>crc32_combine</c> computes it (multiplication modulo the CRC polynomial). System.IO.Hashing has no such
/// operation, and hashing the whole body again on each rendering cost more than compressing what changed.
/// </summary>
public static class Crc32Combine
{
    private const uint Polynomial = 0xedb88320; // Reflected, as gzip's CRC-32 uses it.

    // X2n[k] = x^(2^k) modulo the polynomial.
    private static readonly uint[] X2n = PowersOfTwo();

    public static uint Combine(uint first, uint second, long secondLength) => Multiply(XToThe8N(secondLength), first) ^ second;

    private static uint Multiply(uint a, uint b)
    {
        var m = 1u << 31;
        var product = 0u;
        while (true)
        {
            if ((a & m) != 0)
            {
                product ^= b;
                if ((a & (m - 1)) == 0)
                {
                    return product;
                }
            }

            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }
    }

    /// <summary>x^(8n): shifting a CRC over n zero bytes.</summary>
    private static uint XToThe8N(long n)
    {
        var p = 1u << 31; // x^0
        var k = 3;
        while (n != 0)
        {
            if ((n & 1) != 0)
            {
                p = Multiply(X2n[k & 31], p);
            }

            n >>= 1;
            k++;
        }

        return p;
    }

    private static uint[] PowersOfTwo()
    {
        var table = new uint[32];
        var p = 1u << 30; // x^1
        table[0] = p;
        for (var n = 1; n < 32; n++)
        {
            table[n] = p = Multiply(p, p);
        }

        return table;
    }
}
