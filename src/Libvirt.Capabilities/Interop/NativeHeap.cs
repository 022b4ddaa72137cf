using System.Runtime.InteropServices;

namespace Libvirt.Capabilities.Interop;

/// <summary>
/// The C heap that libvirt allocates its replies from. glibc keeps the pages of freed chunks in each thread's
/// arena (only the main heap's top is trimmed on free), so the megabytes of XML that one poll's calls returned
/// stay resident after they are freed unless someone asks glibc to give them back.
/// </summary>
public static partial class NativeHeap
{
    /// <summary>
    /// glibc's malloc_trim(0): returns the free pages of every arena to the system (madvise). False where the C
    /// library has no such function (musl), where there is nothing to do.
    /// </summary>
    public static bool Trim()
    {
        try
        {
            return malloc_trim(0) != 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);
}
