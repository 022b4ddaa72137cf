namespace Libvirt.Capabilities.Interop;

/// <summary>
/// Turns libvirt's failure returns into <see cref="LibvirtException"/>. libvirt's last error is thread-local,
/// so it is read here, on the calling thread, right after the failing call and before any await.
/// </summary>
internal static unsafe class Checked
{
    public static LibvirtException LastError(string api)
    {
        var error = NativeMethods.virGetLastError();
        if (error is null)
        {
            return new LibvirtException(api, 0, 0, "failed without an error message");
        }

        // libvirt repeats the URI in some messages ("no connection driver available for ..."): never its credentials.
        var message = Connection.LibvirtUri.Redact(NativeStrings.Copy(error->Message) ?? "failed without an error message");
        var exception = new LibvirtException(api, error->Code, error->Domain, message);
        NativeMethods.virResetLastError();
        return exception;
    }

    public static int Status(int result, string api) => result < 0 ? throw LastError(api) : result;

    public static string OwnedString(byte* result, string api) =>
        NativeStrings.TakeOwned(result) ?? throw LastError(api);

    public static string OwnedDocument(byte* result, string api) =>
        NativeStrings.TakeOwnedDocument(result) ?? throw LastError(api);

    public static string StaticString(byte* result, string api) =>
        NativeStrings.Copy(result) ?? throw LastError(api);
}
