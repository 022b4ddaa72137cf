using System.Runtime.InteropServices;

namespace Libvirt.Capabilities.Interop;

/// <summary>The type of a file system entry, which .NET does not expose (a FIFO and /dev/zero look "Normal").</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Unknown,
}

/// <summary>
/// Reads a path's file type with glibc's statx(2), whose struct layout is the same on every architecture
/// (unlike struct stat), so that inputs and state paths can refuse anything but what they expect.
/// </summary>
public static unsafe partial class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid, then stx_mode.

    /// <summary>The type of <paramref name="path"/>; <paramref name="followLinks"/> false reports a symbolic link itself.</summary>
    public static FileKind Of(string path, bool followLinks = true)
    {
        var buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            return FileKind.Missing;
        }

        return (*(ushort*)(buffer + ModeOffset) & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Unknown,
        };
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int statx(int dirfd, string pathname, int flags, uint mask, byte* statxbuf);
}
