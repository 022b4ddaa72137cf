using System.Runtime.InteropServices;
using System.Text;

namespace Libvirt.Capabilities.Interop;

/// <summary>Copies strings out of libvirt and releases the ones libvirt hands over.</summary>
internal static unsafe class NativeStrings
{
    /// <summary>Copies a UTF-8 string that libvirt allocated, then frees it with free() as libvirt requires.</summary>
    public static string? TakeOwned(byte* value)
    {
        if (value is null)
        {
            return null;
        }

        try
        {
            return Copy(value);
        }
        finally
        {
            NativeMemory.Free(value);
        }
    }

    /// <summary>
    /// Takes an XML document libvirt allocated, decoding it strictly: invalid UTF-8 in a reply is a malformed
    /// document, never silently replaced characters.
    /// </summary>
    public static string? TakeOwnedDocument(byte* value)
    {
        if (value is null)
        {
            return null;
        }

        try
        {
            return Parsing.SafeXml.DecodeUtf8(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(value));
        }
        finally
        {
            NativeMemory.Free(value);
        }
    }

    /// <summary>Copies a UTF-8 string that stays owned by libvirt.</summary>
    public static string? Copy(byte* value) =>
        value is null ? null : Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(value));
}
