namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// Splits what prometheus-net serialized into one block per family, so parts of a family rendered apart (one per
/// target) can be put together under one HELP/TYPE. A family starts at a comment line (<c># HELP</c>, <c># TYPE</c>,
/// <c># UNIT</c>) naming another family than the one before; OpenMetrics' <c># EOF</c> is left out (the
/// assembly adds it once). Label values escape newlines, so a line break always ends a line of the format.
/// </summary>
public static class ExpositionBlocks
{
    public static List<(string Family, ExpositionBlock Block)> Split(ReadOnlySpan<byte> exposition)
    {
        var blocks = new List<(string Family, ExpositionBlock Block)>();
        string? family = null;
        int start = 0, seriesStart = 0, position = 0;
        while (position < exposition.Length)
        {
            var length = exposition[position..].IndexOf((byte)'\n');
            var end = length < 0 ? exposition.Length : position + length + 1;
            var line = exposition[position..end];
            if (line.StartsWith("# EOF"u8))
            {
                break;
            }

            if (line.StartsWith("# "u8) && NameOf(line) is { } name)
            {
                if (name != family)
                {
                    Close(blocks, family, exposition[start..seriesStart], exposition[seriesStart..position]);
                    (family, start) = (name, position);
                }

                seriesStart = end;
            }

            position = end;
        }

        Close(blocks, family, exposition[start..seriesStart], exposition[seriesStart..position]);
        return blocks;
    }

    private static void Close(List<(string Family, ExpositionBlock Block)> blocks, string? family, ReadOnlySpan<byte> header, ReadOnlySpan<byte> series)
    {
        if (family is not null)
        {
            blocks.Add((family, new ExpositionBlock(header.ToArray(), series.IsEmpty ? [] : [series.ToArray()])));
        }
    }

    /// <summary>The family a comment line names: its third word.</summary>
    private static string? NameOf(ReadOnlySpan<byte> line)
    {
        var rest = line[2..];
        var space = rest.IndexOf((byte)' ');
        if (space < 0)
        {
            return null;
        }

        rest = rest[(space + 1)..];
        var stop = rest.IndexOfAny((byte)' ', (byte)'\n');
        return System.Text.Encoding.UTF8.GetString(stop < 0 ? rest : rest[..stop]);
    }
}

/// <summary>One family's lines: its comment lines (HELP, TYPE), then its series, in one or more arrays.</summary>
public sealed record ExpositionBlock(byte[] Header, IReadOnlyList<byte[]> Series)
{
    /// <summary>
    /// <paramref name="next"/>, with this block's arrays wherever the bytes are the same, so what was compressed
    /// from them (matched by reference) is reused.
    /// </summary>
    public ExpositionBlock Reuse(ExpositionBlock next)
    {
        var old = new Dictionary<byte[], byte[]>(Series.Count, ByteContent.Instance);
        foreach (var series in Series)
        {
            old.TryAdd(series, series);
        }

        return new ExpositionBlock(
            Header.AsSpan().SequenceEqual(next.Header) ? Header : next.Header,
            [.. next.Series.Select(s => old.GetValueOrDefault(s) ?? s)]);
    }

    /// <summary>Byte arrays compared by content.</summary>
    private sealed class ByteContent : IEqualityComparer<byte[]>
    {
        public static readonly ByteContent Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
