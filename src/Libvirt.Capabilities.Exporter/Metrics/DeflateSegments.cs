using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// One gzip body (a single member, RFC 1952) made of raw deflate segments compressed apart, as pigz does: each
/// segment ends with a sync flush (byte-aligned, not final), so segments can be concatenated and reused while
/// their text is unchanged; one final empty block closes the stream. A multi-member gzip would be simpler, but
/// curl and other clients decode only its first member. The CRC-32 of the whole text is combined from the
/// segments' own (<see cref="Crc32Combine"/>).
/// </summary>
public static class DeflateSegments
{
    // ID1 ID2, deflate, no flags, no modification time, no extra flags, OS unknown.
    private static readonly byte[] Header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

    // An empty final block with fixed Huffman codes: BFINAL=1, BTYPE=01, end-of-block.
    private static readonly byte[] FinalBlock = [0x03, 0x00];

    /// <summary>The text of <paramref name="parts"/>, compressed as a segment that may be followed by others.</summary>
    public static Segment Compress(IReadOnlyList<byte[]> parts)
    {
        var crc = new Crc32();
        long length = 0;
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            foreach (var part in parts)
            {
                deflate.Write(part);
                crc.Append(part);
                length += part.Length;
            }

            deflate.Flush(); // A sync flush: ends the segment on a byte boundary, without a final block.
            var segment = new Segment(buffer.ToArray(), crc.GetCurrentHashAsUInt32(), length);
            buffer.SetLength(0); // Disposing writes the final block, which is not this segment's to write.
            return segment;
        }
    }

    /// <summary>A gzip body, as segments to send in order, of the concatenated texts of <paramref name="segments"/>.</summary>
    public static Segments Gzip(IReadOnlyList<Segment> segments)
    {
        var crc = 0u;
        long length = 0;
        var parts = new List<byte[]>(segments.Count + 2) { Header };
        foreach (var segment in segments)
        {
            crc = Crc32Combine.Combine(crc, segment.Crc, segment.TextLength);
            length += segment.TextLength;
            parts.Add(segment.Deflated);
        }

        var trailer = new byte[FinalBlock.Length + 8];
        FinalBlock.CopyTo(trailer, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(FinalBlock.Length), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(FinalBlock.Length + 4), (uint)length);
        parts.Add(trailer);
        return new Segments(parts);
    }

    /// <summary>A compressed segment with the CRC-32 and length of its text.</summary>
    public sealed record Segment(byte[] Deflated, uint Crc, long TextLength);
}
