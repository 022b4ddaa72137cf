using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Parsing;

namespace Libvirt.Capabilities.Tests;

public sealed class SmallHelpersTests
{
    [Theory]
    [InlineData("qemu+ssh://admin:s3cret@host.example/system", "qemu+ssh://host.example/system")]
    [InlineData("qemu+tcp://user@10.0.0.1/system?keyfile=/k", "qemu+tcp://10.0.0.1/system")]
    [InlineData("qemu+tcp:alice:s3cret@127.0.0.1/system", "qemu+tcp:127.0.0.1/system")]
    [InlineData("cannot open 'qemu+tls://h/system?pkipath=/secret/dir': no route", "cannot open 'qemu+tls://h/system': no route")]
    [InlineData("error: s3cret@nowhere", "error: s3cret@nowhere")]
    [InlineData("qemu:///system", "qemu:///system")]
    [InlineData("qemu+ssh://admin:p@ss@host/system", "qemu+ssh://host/system")]
    [InlineData("no connection driver available for qemu+tpc://admin:secret@h/system", "no connection driver available for qemu+tpc://h/system")]
    [InlineData("Unable to parse URI 'qemu+tls://u:x@y@h:16514/system'", "Unable to parse URI 'qemu+tls://h:16514/system'")]
    public void Redacts_user_info_from_uris(string uri, string expected) => Assert.Equal(expected, LibvirtUri.Redact(uri));

    [Theory]
    [InlineData("qemu+ssh://alice:s3cret@h/system?keyfile=/secret/path#x", "qemu+ssh://h/system")]
    [InlineData("alice:s3cret@nowhere", "alice:nowhere")]
    [InlineData("qemu:///system", "qemu:///system")]
    public void Displays_uris_without_credentials_or_query(string uri, string expected) => Assert.Equal(expected, LibvirtUri.Display(uri));

    [Theory]
    [InlineData(9000000UL, "9.0.0")]
    [InlineData(7002022UL, "7.2.22")]
    [InlineData(10010003UL, "10.10.3")]
    public void Formats_libvirt_versions(ulong encoded, string expected) => Assert.Equal(expected, LibvirtVersion.Format(encoded));

    [Theory]
    [InlineData(4, "KiB", 4096)]
    [InlineData(1, "MiB", 1048576)]
    [InlineData(3, "B", 3)]
    [InlineData(2, "GB", 2e9)]
    public void Converts_units_to_bytes(double value, string unit, double expected)
    {
        Assert.True(Units.TryToBytes(value, unit, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Unknown_units_are_not_guessed() => Assert.False(Units.TryToBytes(1, "furlongs", out _));
}
