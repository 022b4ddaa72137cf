using System.Text.RegularExpressions;
using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Interop;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>The native binding against the real libvirtd, over every URI kind the test host offers.</summary>
public sealed class ConnectionTests
{
    [Theory]
    [InlineData(Libvirtd.System)]
    [InlineData(Libvirtd.Tcp)]
    public void Reports_the_daemon_identity(string uri)
    {
        using var connection = Libvirtd.Open(uri);

        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+$"), connection.GetLibVersion());
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+$"), connection.GetHypervisorVersion());
        Assert.Equal("QEMU", connection.GetHypervisorType());
        Assert.Equal(Environment.MachineName, connection.GetHostname().Split('.')[0]);
        Assert.True(connection.IsAlive());
    }

    [Fact]
    public void Tcp_and_unix_socket_reach_the_same_host()
    {
        using var local = Libvirtd.Open(Libvirtd.System);
        using var tcp = Libvirtd.Open(Libvirtd.Tcp);

        var viaSocket = HostCapabilitiesParser.Parse(local.GetCapabilities());
        var viaTcp = HostCapabilitiesParser.Parse(tcp.GetCapabilities());

        Assert.NotNull(viaSocket.Host.Uuid);
        Assert.Equal(viaSocket.Host.Uuid, viaTcp.Host.Uuid);
        Assert.Equal(viaSocket.Guests.Count, viaTcp.Guests.Count);
    }

    [Fact]
    public void Host_offers_kvm_and_tcg_on_x86_64_and_tcg_on_aarch64()
    {
        using var connection = Libvirtd.Open(Libvirtd.System);
        var caps = HostCapabilitiesParser.Parse(connection.GetCapabilities());

        var x86 = caps.Guests.Single(g => g.Arch == "x86_64" && g.OsType == "hvm");
        Assert.Equal(["kvm", "qemu"], x86.Domains.Select(d => d.Type).Order());
        var arm = caps.Guests.Single(g => g.Arch == "aarch64" && g.OsType == "hvm");
        Assert.Contains(arm.Domains, d => d.Type == "qemu");
        Assert.Contains(arm.Machines, m => m.Name == "virt" && m.Canonical is not null);
    }

    [Theory]
    [InlineData("x86_64", "kvm", null)]
    [InlineData("x86_64", "qemu", "q35")]
    [InlineData("aarch64", "qemu", "virt")]
    public void Domain_capabilities_parse_for_each_domain_type(string arch, string virtType, string? machine)
    {
        using var connection = Libvirtd.Open(Libvirtd.System);
        var caps = DomainCapabilitiesParser.Parse(connection.GetDomainCapabilities(null, arch, machine, virtType));

        Assert.Equal(arch, caps.Arch);
        Assert.Equal(virtType, caps.DomainType);
        Assert.NotNull(caps.Machine);
        Assert.NotEmpty(caps.Cpu.CustomModels);
        Assert.Contains(caps.Cpu.Modes, m => m.Name == "custom" && m.Supported);
        if (machine is not null)
        {
            Assert.Contains(machine, caps.Machine, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_only_connection_reads_host_capabilities_but_is_denied_domain_capabilities()
    {
        using var connection = Libvirtd.Open(Libvirtd.System, readOnly: true);

        Assert.True(connection.ReadOnly);
        Assert.NotEmpty(HostCapabilitiesParser.Parse(connection.GetCapabilities()).Guests);
        var error = Assert.Throws<LibvirtException>(() => connection.GetDomainCapabilities(null, "x86_64", null, "kvm"));
        Assert.True(error.IsOperationDenied, $"code {error.Code}: {error.Message}");
        Assert.Contains("read only", error.LibvirtMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_driver_answers_host_capabilities_but_not_domain_capabilities()
    {
        using var connection = Libvirtd.Open(Libvirtd.TestDriver);

        Assert.Equal("TEST", connection.GetHypervisorType());
        Assert.NotEmpty(HostCapabilitiesParser.Parse(connection.GetCapabilities()).Guests);
        var error = Assert.Throws<LibvirtException>(() => connection.GetDomainCapabilities(null, null, null, null));
        Assert.True(error.IsNotSupported, $"code {error.Code}: {error.Message}");
    }

    [Theory]
    [InlineData("nonsense:///nowhere")]
    [InlineData("qemu+tcp://127.0.0.1:1/system")]
    public void Bad_or_unreachable_uri_raises_a_typed_error(string uri)
    {
        var error = Assert.Throws<LibvirtException>(() => LibvirtConnection.Open(new ConnectionSettings(uri)));
        Assert.Equal("virConnectOpenAuth", error.Api);
        Assert.NotEqual(0, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.LibvirtMessage));
    }

    [Fact]
    public void Errors_of_calls_on_an_open_connection_do_not_quote_the_uri_query()
    {
        // The emulator argument points at the very path the URI's query names, so libvirt's error quotes it.
        const string SocketPath = "/run/libvirt/libvirt-sock";
        using var connection = Libvirtd.Open(Libvirtd.System + "?socket=" + SocketPath);

        var error = Assert.Throws<LibvirtException>(() => connection.GetDomainCapabilities(SocketPath, "x86_64", null, "kvm"));

        Assert.Equal("virConnectGetDomainCapabilities", error.Api);
        Assert.Contains("<redacted>", error.LibvirtMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(SocketPath, error.Message, StringComparison.Ordinal);
    }
}
