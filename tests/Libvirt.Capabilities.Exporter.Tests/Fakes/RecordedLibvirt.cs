using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests.Fakes;

/// <summary>
/// A libvirt that serves recorded XML (captured from a real libvirtd) and can be told to fail or hang.
/// For fault injection only: everything else is tested against the real daemon.
/// </summary>
public sealed class RecordedLibvirt : ILibvirtConnector
{
    public const string FixtureSet = "debian12-libvirt9.0-qemu7.2";

    public static string Fixture(string name) => File.ReadAllText(TestEnvironment.FixturePath(FixtureSet, name));

    public string HostXml { get; set; } = Fixture("hostcaps.xml");

    /// <summary>Domain-capabilities XML by requested arch; x86 arches get the x86 fixture, others the aarch64 one.</summary>
    public Func<string?, string?, string?, string?, string> DomainCapsXml { get; set; } = (_, arch, _, _) =>
        arch is "x86_64" or "i686" ? Fixture("domcaps-x86_64-kvm-q35.xml") : Fixture("domcaps-aarch64-qemu-virt.xml");

    /// <summary>
    /// Answers as libvirt does: the document names the machine a request resolves to (an alias's canonical
    /// machine from <see cref="HostXml"/>, or the machine asked for); for no machine, the recorded document's own.
    /// </summary>
    private string Resolve(string xml, string? machine)
    {
        if (machine is null)
        {
            return xml;
        }

        var canonical = System.Xml.Linq.XDocument.Parse(HostXml).Descendants("machine")
            .FirstOrDefault(m => m.Value.Trim() == machine && m.Attribute("canonical") is not null)?.Attribute("canonical")!.Value;
        return System.Text.RegularExpressions.Regex.Replace(xml, "<machine>[^<]*</machine>", $"<machine>{canonical ?? machine}</machine>");
    }

    /// <summary>Set once a call is blocked on <see cref="Hang"/>.</summary>
    public ManualResetEventSlim Hanging { get; } = new(false);

    public Exception? OpenError { get; set; }
    public Exception? HostError { get; set; }
    public Exception? DomainError { get; set; }

    /// <summary>While set, GetCapabilities blocks until the event is signalled (a hung libvirtd).</summary>
    public ManualResetEventSlim? Hang { get; set; }

    /// <summary>While set, Open blocks until the event is signalled (a slow login).</summary>
    public ManualResetEventSlim? OpenHang { get; set; }

    public string LibVersion { get; set; } = "9.0.0";

    public string HypervisorVersion { get; set; } = "7.2.0";

    /// <summary>Answers virConnectCompareHypervisorCPU (emulator, arch, machine, virt type, CPU XML); by default the driver lacks it.</summary>
    public Func<string?, string?, string?, string?, string, CpuComparison> CompareCpu { get; set; } = (_, _, _, _, _) => throw NotSupported("virConnectCompareHypervisorCPU");

    /// <summary>Answers virConnectBaselineHypervisorCPU; by default the driver lacks it.</summary>
    public Func<string?, string?, string?, string?, IReadOnlyList<string>, string> BaselineCpu { get; set; } = (_, _, _, _, _) => throw NotSupported("virConnectBaselineHypervisorCPU");

    /// <summary>CPU calls made, as (api, virt type), for asserting what was (not) asked.</summary>
    public List<(string Api, string? VirtType)> CpuCalls { get; } = [];

    public int Opens { get; private set; }

    /// <summary>Connections opened and not yet disposed: a leak shows here.</summary>
    public int OpenConnections { get; private set; }

    public ILibvirtConnection Open(ConnectionSettings settings)
    {
        if (OpenError is not null)
        {
            throw OpenError;
        }

        OpenHang?.Wait();
        lock (this)
        {
            Opens++;
            OpenConnections++;
        }

        return new Connection(this, settings);
    }

    public static LibvirtException ReadOnlyDenied() =>
        new("virConnectGetDomainCapabilities", 29, 10, "operation forbidden: read only access prevents virConnectGetDomainCapabilities");

    public static LibvirtException NotSupported(string api) =>
        new(api, 3, 10, "this function is not supported by the connection driver: " + api);

    public static LibvirtException Unreachable() =>
        new("virConnectOpenAuth", 38, 7, "Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory");

    private sealed class Connection(RecordedLibvirt libvirt, ConnectionSettings settings) : ILibvirtConnection
    {
        private bool disposed;

        public string Uri => settings.Uri;

        public bool ReadOnly => settings.ReadOnly;

        public string GetCapabilities()
        {
            if (libvirt.Hang is { } hang)
            {
                libvirt.Hanging.Set();
                hang.Wait();
            }

            return libvirt.HostError is { } error ? throw error : libvirt.HostXml;
        }

        public string GetDomainCapabilities(string? emulator, string? arch, string? machine, string? virtType)
        {
            if (settings.ReadOnly)
            {
                throw ReadOnlyDenied();
            }

            return libvirt.DomainError is { } error ? throw error : libvirt.Resolve(libvirt.DomainCapsXml(emulator, arch, machine, virtType), machine);
        }

        public string GetLibVersion() => libvirt.LibVersion;

        public string GetHypervisorVersion() => libvirt.HypervisorVersion;

        public string GetHypervisorType() => "QEMU";

        public string GetHostname() => "recorded-host";

        public CpuComparison CompareHypervisorCpu(string? emulator, string? arch, string? machine, string? virtType, string cpuXml)
        {
            Record("virConnectCompareHypervisorCPU", virtType);
            return settings.ReadOnly ? throw ReadOnlyDenied() : libvirt.CompareCpu(emulator, arch, machine, virtType, cpuXml);
        }

        public string BaselineHypervisorCpu(string? emulator, string? arch, string? machine, string? virtType, IReadOnlyList<string> cpuXmls)
        {
            Record("virConnectBaselineHypervisorCPU", virtType);
            return settings.ReadOnly ? throw ReadOnlyDenied() : libvirt.BaselineCpu(emulator, arch, machine, virtType, cpuXmls);
        }

        private void Record(string api, string? virtType)
        {
            lock (libvirt)
            {
                libvirt.CpuCalls.Add((api, virtType));
            }
        }

        public bool IsAlive() => !disposed;

        public void Dispose()
        {
            lock (libvirt)
            {
                if (!disposed)
                {
                    disposed = true;
                    libvirt.OpenConnections--;
                }
            }
        }
    }
}
