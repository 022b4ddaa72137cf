using Libvirt.Capabilities.Interop;

namespace Libvirt.Capabilities.Connection;

/// <summary>One open libvirt connection (virConnectPtr). libvirt connections are thread-safe.</summary>
public sealed unsafe class LibvirtConnection : ILibvirtConnection
{
    private readonly SafeConnectionHandle handle;
    private readonly nint closeListenerKey;
    private volatile bool closedByLibvirt;

    private LibvirtConnection(SafeConnectionHandle handle, string uri, bool readOnly)
    {
        this.handle = handle;
        Uri = uri;
        ReadOnly = readOnly;
        closeListenerKey = CloseCallbacks.Register(_ => closedByLibvirt = true);
    }

    public string Uri { get; }

    public bool ReadOnly { get; }

    /// <summary>Opens a connection with virConnectOpenAuth, then enables keepalive and the close callback.</summary>
    /// <exception cref="LibvirtException">libvirt refused or could not reach the URI.</exception>
    public static LibvirtConnection Open(ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        EventLoop.EnsureStarted();

        var authKey = AuthCallbacks.Begin(settings.Credentials);
        nint raw;
        try
        {
            fixed (int* credTypes = AuthCallbacks.SupportedTypes)
            {
                var auth = new VirConnectAuth
                {
                    CredType = credTypes,
                    NCredType = (uint)AuthCallbacks.SupportedTypes.Length,
                    Callback = &AuthCallbacks.Answer,
                    CallbackData = authKey,
                };
                raw = NativeMethods.virConnectOpenAuth(settings.Uri, &auth, settings.ReadOnly ? NativeMethods.VIR_CONNECT_RO : 0);
            }

            if (raw == nint.Zero)
            {
                // libvirt's message may quote what the URI pointed at (an ssh identity file, a pkipath certificate).
                var error = Checked.LastError(nameof(NativeMethods.virConnectOpenAuth));
                throw new LibvirtException(error.Api, error.Code, error.ErrorDomain, LibvirtUri.RedactSecretsOf(settings.Uri, error.LibvirtMessage));
            }
        }
        finally
        {
            AuthCallbacks.End(authKey);
        }

        var connection = new LibvirtConnection(new SafeConnectionHandle(raw), settings.Uri, settings.ReadOnly);
        connection.EnableLivenessChecks(settings);
        return connection;
    }

    // Keepalive and close callbacks are optional: drivers without a remote side (test:///) refuse them,
    // and IsAlive still works there.
    private void EnableLivenessChecks(ConnectionSettings settings)
    {
        if (settings.KeepAliveIntervalSeconds > 0
            && NativeMethods.virConnectSetKeepAlive(handle, settings.KeepAliveIntervalSeconds, settings.KeepAliveCount) < 0)
        {
            NativeMethods.virResetLastError();
        }

        if (NativeMethods.virConnectRegisterCloseCallback(handle, &CloseCallbacks.OnClose, closeListenerKey, 0) < 0)
        {
            NativeMethods.virResetLastError();
        }
    }

    public string GetCapabilities() => Call(() =>
        Checked.OwnedDocument(NativeMethods.virConnectGetCapabilities(handle), nameof(NativeMethods.virConnectGetCapabilities)));

    public string GetDomainCapabilities(string? emulator, string? arch, string? machine, string? virtType) => Call(() =>
        Checked.OwnedDocument(
            NativeMethods.virConnectGetDomainCapabilities(handle, emulator, arch, machine, virtType, 0),
            nameof(NativeMethods.virConnectGetDomainCapabilities)));

    public string GetLibVersion() => Call(() =>
    {
        Checked.Status(NativeMethods.virConnectGetLibVersion(handle, out var version), nameof(NativeMethods.virConnectGetLibVersion));
        return LibvirtVersion.Format(version);
    });

    public string GetHypervisorVersion() => Call(() =>
    {
        Checked.Status(NativeMethods.virConnectGetVersion(handle, out var version), nameof(NativeMethods.virConnectGetVersion));
        return LibvirtVersion.Format(version);
    });

    public string GetHypervisorType() => Call(() =>
        Checked.StaticString(NativeMethods.virConnectGetType(handle), nameof(NativeMethods.virConnectGetType)));

    public string GetHostname() => Call(() =>
        Checked.OwnedString(NativeMethods.virConnectGetHostname(handle), nameof(NativeMethods.virConnectGetHostname)));

    public CpuComparison CompareHypervisorCpu(string? emulator, string? arch, string? machine, string? virtType, string cpuXml) => Call(() =>
        (CpuComparison)Checked.Status(
            NativeMethods.virConnectCompareHypervisorCPU(
                handle, emulator, arch, machine, virtType, cpuXml, NativeMethods.VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE),
            nameof(NativeMethods.virConnectCompareHypervisorCPU)));

    public string BaselineHypervisorCpu(string? emulator, string? arch, string? machine, string? virtType, IReadOnlyList<string> cpuXmls)
    {
        ArgumentNullException.ThrowIfNull(cpuXmls);
        string[] cpus = [.. cpuXmls];
        return Call(() => Checked.OwnedString(
            NativeMethods.virConnectBaselineHypervisorCPU(
                handle,
                emulator,
                arch,
                machine,
                virtType,
                cpus,
                (uint)cpus.Length,
                NativeMethods.VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES | NativeMethods.VIR_CONNECT_BASELINE_CPU_MIGRATABLE),
            nameof(NativeMethods.virConnectBaselineHypervisorCPU)));
    }

    public bool IsAlive() =>
        !closedByLibvirt && Call(() => Checked.Status(NativeMethods.virConnectIsAlive(handle), nameof(NativeMethods.virConnectIsAlive))) == 1;

    /// <summary>
    /// Runs one call and cleans its error of what the URI's query and user-info hold, as at open: a daemon or
    /// the remote driver may quote a path or name from the URI in any later error too.
    /// </summary>
    private T Call<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (LibvirtException e)
        {
            throw new LibvirtException(e.Api, e.Code, e.ErrorDomain, LibvirtUri.RedactSecretsOf(Uri, e.LibvirtMessage));
        }
    }

    public void Dispose()
    {
        handle.Dispose();
        CloseCallbacks.Unregister(closeListenerKey);
    }
}
