using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using Libvirt.Capabilities.Connection;

namespace Libvirt.Capabilities.Interop;

/// <summary>
/// Answers libvirt's credential prompts (virConnectAuthCallbackPtr) from configured credentials. An exporter
/// has no terminal, so a prompt it cannot answer fails the open instead of waiting for input.
/// </summary>
internal static unsafe class AuthCallbacks
{
    private static readonly ConcurrentDictionary<nint, LibvirtCredentials?> Pending = new();
    private static long nextKey;

    /// <summary>The credential types libvirt may ask for.</summary>
    public static readonly int[] SupportedTypes =
    [
        NativeMethods.VIR_CRED_USERNAME,
        NativeMethods.VIR_CRED_AUTHNAME,
        NativeMethods.VIR_CRED_PASSPHRASE,
        NativeMethods.VIR_CRED_NOECHOPROMPT,
    ];

    public static nint Begin(LibvirtCredentials? credentials)
    {
        var key = (nint)Interlocked.Increment(ref nextKey);
        Pending[key] = credentials;
        return key;
    }

    public static void End(nint key) => Pending.TryRemove(key, out _);

    [UnmanagedCallersOnly]
    internal static int Answer(VirConnectCredential* credentials, uint count, nint callbackData)
    {
        if (!Pending.TryGetValue(callbackData, out var configured) || configured is null)
        {
            return -1;
        }

        for (var i = 0; i < count; i++)
        {
            var answer = credentials[i].Type switch
            {
                NativeMethods.VIR_CRED_USERNAME or NativeMethods.VIR_CRED_AUTHNAME => configured.Username,
                NativeMethods.VIR_CRED_PASSPHRASE or NativeMethods.VIR_CRED_NOECHOPROMPT => configured.Password,
                _ => null,
            };
            if (answer is null)
            {
                return -1;
            }

            // libvirt takes ownership of result and releases it with free().
            var bytes = Encoding.UTF8.GetBytes(answer);
            var buffer = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
            bytes.CopyTo(new Span<byte>(buffer, bytes.Length));
            buffer[bytes.Length] = 0;
            credentials[i].Result = buffer;
            credentials[i].ResultLen = (uint)bytes.Length;
        }

        return 0;
    }
}
