using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.Parsing;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// Many hosts on one test machine: a URI <c>corpus:///FILE</c> is a host whose domain capabilities are a corpus
/// document (a real host recorded by libvirt's test suite), while every CPU comparison and baseline it is asked
/// goes to the real libvirtd. Any other URI opens the real libvirtd.
/// </summary>
public sealed class CorpusBackedConnector : ILibvirtConnector
{
    public const string Scheme = "corpus:///";

    public ILibvirtConnection Open(ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Uri.StartsWith(Scheme, StringComparison.Ordinal)
            ? new CorpusHost(settings.Uri[Scheme.Length..], Libvirtd.Open(Libvirtd.System))
            : LibvirtConnection.Open(settings);
    }

    /// <summary>The domain-capabilities file a corpus URI stands for.</summary>
    public static string File(string uri) => Path.Combine(TestEnvironment.CorpusDirectory, "domaincaps", uri[Scheme.Length..]);

    private sealed class CorpusHost(string name, ILibvirtConnection live) : ILibvirtConnection
    {
        private readonly string document = System.IO.File.ReadAllText(Path.Combine(TestEnvironment.CorpusDirectory, "domaincaps", name));

        public string Uri => Scheme + name;

        public bool ReadOnly => false;

        // An x86_64 host offering kvm and qemu, as recorded from the test machine; a document of another arch is
        // a host of that arch, offering what the document describes (its emulator, machine and domain type) only.
        public string GetCapabilities()
        {
            var caps = System.Xml.Linq.XElement.Parse(document);
            var arch = caps.Element("arch")!.Value;
            return arch == "x86_64"
                ? System.IO.File.ReadAllText(TestEnvironment.FixturePath("debian12-libvirt9.0-qemu7.2", "hostcaps.xml"))
                : $"<capabilities><host><uuid>00000000-0000-4000-8000-000000000001</uuid><cpu><arch>{arch}</arch></cpu></host>"
                    + $"<guest><os_type>hvm</os_type><arch name='{arch}'><emulator>{caps.Element("path")!.Value}</emulator>"
                    + $"<machine>{caps.Element("machine")!.Value}</machine><domain type='{caps.Element("domain")!.Value}'/></arch></guest></capabilities>";
        }

        public string GetDomainCapabilities(string? emulator, string? arch, string? machine, string? virtType) =>
            arch == DomainCapabilitiesParser.Parse(document).Arch
                ? document
                : throw new LibvirtException("virConnectGetDomainCapabilities", 3, 10, "not recorded for " + arch);

        // The corpus is libvirt 10.7.0's test data; its file names carry the QEMU version.
        public string GetLibVersion() => "10.7.0";

        public string GetHypervisorVersion() => name["qemu_".Length..name.IndexOfAny(['-', '.', '+'], name.IndexOf('.', StringComparison.Ordinal) + 3)];

        public string GetHypervisorType() => "QEMU";

        public string GetHostname() => name;

        public CpuComparison CompareHypervisorCpu(string? emulator, string? arch, string? machine, string? virtType, string cpuXml) =>
            live.CompareHypervisorCpu(emulator, arch, machine, virtType, cpuXml);

        public string BaselineHypervisorCpu(string? emulator, string? arch, string? machine, string? virtType, IReadOnlyList<string> cpuXmls) =>
            live.BaselineHypervisorCpu(emulator, arch, machine, virtType, cpuXmls);

        public bool IsAlive() => live.IsAlive();

        public void Dispose() => live.Dispose();
    }
}
