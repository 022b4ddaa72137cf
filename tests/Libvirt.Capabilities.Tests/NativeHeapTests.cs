using System.Runtime.InteropServices;
using Libvirt.Capabilities.Interop;

namespace Libvirt.Capabilities.Tests;

/// <summary>
/// NativeHeap.Trim gives freed C-heap pages back, as libvirt's replies leave them: chunks below the arena's top,
/// which free() alone never returns. Measured on this process's own RssAnon.
/// </summary>
public sealed class NativeHeapTests
{
    private const int ChunkBytes = 4096;   // Below glibc's mmap threshold: served from an arena, like libvirt's XML strings.
    private const int Chunks = 16384;      // 64 MiB.

    [Fact]
    public void Trim_returns_freed_pages_that_free_kept_resident()
    {
        long beforeTrim = 0, afterTrim = 0;
        var ones = Enumerable.Repeat((byte)1, ChunkBytes).ToArray();
        var worker = new Thread(() =>
        {
            var chunks = new IntPtr[Chunks];
            for (var i = 0; i < Chunks; i++)
            {
                chunks[i] = Marshal.AllocHGlobal(ChunkBytes);
                Marshal.Copy(ones, 0, chunks[i], ChunkBytes); // Touched: resident.
            }

            // Keep the last chunk: the freed space is then below the top, where free() does not trim.
            for (var i = 0; i < Chunks - 1; i++)
            {
                Marshal.FreeHGlobal(chunks[i]);
            }

            beforeTrim = RssAnonKiB();
            NativeHeap.Trim();
            afterTrim = RssAnonKiB();
            Marshal.FreeHGlobal(chunks[Chunks - 1]);
        });
        worker.Start();
        worker.Join();

        var released = beforeTrim - afterTrim;
        Assert.True(released >= Chunks * (ChunkBytes / 1024) / 2, $"RssAnon {beforeTrim} -> {afterTrim} KiB: trimming released {released} KiB of the 64 MiB freed");
    }

    private static long RssAnonKiB() =>
        long.Parse(File.ReadLines("/proc/self/status").Single(line => line.StartsWith("RssAnon:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
