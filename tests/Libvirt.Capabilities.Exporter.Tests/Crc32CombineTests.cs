using System.IO.Hashing;
using Libvirt.Capabilities.Exporter.Metrics;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>The oracle is System.IO.Hashing's CRC-32 of the two strings put end to end.</summary>
public sealed class Crc32CombineTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 7)]
    [InlineData(5, 0)]
    [InlineData(1, 1)]
    [InlineData(100, 3)]
    [InlineData(3000, 70000)]
    public void Combining_two_crcs_gives_the_crc_of_the_concatenation(int firstLength, int secondLength)
    {
        var random = new Random(firstLength * 31 + secondLength);
        var first = new byte[firstLength];
        var second = new byte[secondLength];
        random.NextBytes(first);
        random.NextBytes(second);

        var combined = Crc32Combine.Combine(Crc32.HashToUInt32(first), Crc32.HashToUInt32(second), second.Length);

        Assert.Equal(Crc32.HashToUInt32([.. first, .. second]), combined);
    }
}
