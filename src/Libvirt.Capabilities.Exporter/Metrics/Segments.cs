namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// A body as a list of immutable byte arrays, shared between renderings rather than copied into one: an
/// unchanged part of the exposition is held once, however many renderings include it.
/// </summary>
public sealed class Segments(IReadOnlyList<byte[]> parts)
{
    public static readonly Segments None = new([]);

    public IReadOnlyList<byte[]> Parts { get; } = parts;

    public int Length { get; } = parts.Sum(p => p.Length);

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        var offset = 0;
        foreach (var part in Parts)
        {
            part.CopyTo(bytes, offset);
            offset += part.Length;
        }

        return bytes;
    }
}
