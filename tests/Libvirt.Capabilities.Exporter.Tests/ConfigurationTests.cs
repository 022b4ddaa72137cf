using Libvirt.Capabilities.Exporter.Hosting;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// Configuration fixtures tests/fixtures/config/&lt;case&gt;.good.json and &lt;case&gt;.bad.json: every good
/// file builds, every bad file stops start-up with exit code 2 and exactly the message below.
/// </summary>
public sealed class ConfigurationTests
{
    public static TheoryData<string> GoodFiles() => new(Directory.GetFiles(TestEnvironment.FixturePath("config"), "*.good.json").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public async Task Good_configuration_builds(string file)
    {
        var stderr = new StringWriter();
        await using var app = ExporterHost.Build(["--config.file", TestEnvironment.FixturePath("config", file)], stderr, out var exitCode);

        Assert.True(app is not null, stderr.ToString());
        Assert.Equal(0, exitCode);
    }

    [Theory]
    [InlineData("bad-uri.bad.json", "error: invalid configuration: Libvirt:Targets:0:Uri 'not a uri' is not a libvirt URI (driver[+transport]://[host][:port]/path, e.g. qemu:///system).")]
    [InlineData("negative-interval.bad.json", "error: invalid configuration: Poll:Interval (--poll.interval) is -00:00:30; it must be between 1s and 24h (e.g. 30s, 5m).")]
    [InlineData("unknown-policy.bad.json", "error: invalid configuration: Libvirt:Machines:Policy 'some' is unknown; allowed: default, all.")]
    [InlineData("duplicate-names.bad.json", "error: invalid configuration: Libvirt:Targets: the target name 'a' is used more than once; give each target a unique Name.")]
    [InlineData("bad-listen-address.bad.json", "error: invalid configuration: Web:ListenAddress (--web.listen-address) 'localhost' must be host:port, :port or [ipv6]:port with a port from 0 to 65535.")]
    [InlineData("bad-telemetry-path.bad.json", "error: invalid configuration: TelemetryPath: Web:TelemetryPath (--web.telemetry-path) must be a URL path starting with '/'.")]
    [InlineData("not-a-duration.bad.json", "error: invalid configuration: Poll: Failed to convert configuration value 'soon' at 'Poll:Timeout' to type 'System.TimeSpan'.")]
    [InlineData("malformed.bad.json", "error: invalid configuration: configuration file: Failed to load configuration from file '{config}/malformed.bad.json'. Could not parse the JSON file.")]
    public async Task Bad_configuration_exits_2_with_a_message_naming_the_setting(string file, string expected)
    {
        var stderr = new StringWriter();
        await using var app = ExporterHost.Build(["--config.file", TestEnvironment.FixturePath("config", file)], stderr, out var exitCode);

        Assert.Null(app);
        Assert.Equal(ExporterHost.ConfigurationError, exitCode);
        Assert.Equal(expected.Replace("{config}", TestEnvironment.FixturePath("config"), StringComparison.Ordinal), stderr.ToString().Split('\n')[0].TrimEnd('\r'));
    }

    [Theory]
    [InlineData(new[] { "--config.file", "/nonexistent/exporter.json" }, "error: invalid configuration: configuration file: The configuration file 'nonexistent/exporter.json' was not found and is not optional. The expected physical path was '/nonexistent/exporter.json'.")]
    [InlineData(new[] { "--poll.interval=-5s" }, "error: invalid configuration: Poll: Failed to convert configuration value '-5s' at 'Poll:Interval' to type 'System.TimeSpan'.")]
    [InlineData(new[] { "--web.listen-adress=:1" }, "error: unknown flag '--web.listen-adress' (see --help)")]
    [InlineData(new[] { "--libvirt.uri" }, "error: flag '--libvirt.uri' needs a value")]
    [InlineData(new[] { "--libvirt.uri", "qemu+ssh://root:pw@[bad/system" }, "error: invalid configuration: Libvirt:Targets:0:Uri 'qemu+ssh://[bad/system' is not a libvirt URI (driver[+transport]://[host][:port]/path, e.g. qemu:///system).")]
    [InlineData(new[] { "--log.format", "xml" }, "error: invalid configuration: Logging:Console:FormatterName (--log.format) must be simple, json or systemd.")]
    [InlineData(new[] { "--web.config.file", "/nonexistent/web.yml" }, "error: invalid configuration: Web:ConfigFile (--web.config.file) '/nonexistent/web.yml' cannot be read.")]
    public async Task Bad_flags_exit_2_with_a_message(string[] args, string expected)
    {
        var stderr = new StringWriter();
        await using var app = ExporterHost.Build(args, stderr, out var exitCode);

        Assert.Null(app);
        Assert.Equal(ExporterHost.ConfigurationError, exitCode);
        Assert.Equal(expected, stderr.ToString().Split('\n')[0].TrimEnd('\r'));
        Assert.DoesNotContain("pw@", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Prometheus_style_flags_become_configuration_keys()
    {
        var result = CommandLineFlags.Parse(
            ["--web.listen-address=:9999", "--libvirt.uri", "qemu:///system", "--libvirt.uri=qemu+tcp://h/system", "--libvirt.read-only", "--poll.interval=90s", "--Poll:Jitter=0.3"]);

        Assert.Null(result.Error);
        Assert.Equal(":9999", result.Values["Web:ListenAddress"]);
        Assert.Equal("qemu:///system", result.Values["Libvirt:Targets:0:Uri"]);
        Assert.Equal("qemu+tcp://h/system", result.Values["Libvirt:Targets:1:Uri"]);
        Assert.Equal("true", result.Values["Libvirt:Targets:1:ReadOnly"]);
        Assert.Equal("00:01:30", result.Values["Poll:Interval"]);
        Assert.Equal(["--Poll:Jitter=0.3"], result.PassThrough);
    }

    [Theory]
    [InlineData("qemu:///system", "qemu:///system")]
    [InlineData("qemu+ssh://admin:secret@hv-01.example/system?keyfile=/k", "qemu+ssh://hv-01.example/system")]
    public void Default_target_names_are_readable_and_free_of_credentials(string uri, string name) =>
        Assert.Equal(name, new TargetOptions { Uri = uri }.EffectiveName);

    [Fact]
    public void No_target_configured_means_the_local_system_uri()
    {
        var target = Assert.Single(new LibvirtOptions().EffectiveTargets);
        Assert.Equal("qemu:///system", target.Uri);
    }
}
