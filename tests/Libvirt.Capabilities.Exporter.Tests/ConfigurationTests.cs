using Libvirt.Capabilities.Exporter.Hosting;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.TestSupport;
using Microsoft.Extensions.DependencyInjection;

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
    [InlineData("bad-uri.bad.json", "{e}Libvirt:Targets:0:Uri is not a libvirt URI (driver[+transport]://[host][:port]/path, e.g. qemu:///system); the value is not shown as it may hold credentials.")]
    [InlineData("uri-without-slashes.bad.json", "{e}Libvirt:Targets:0:Uri is not a libvirt URI (driver[+transport]://[host][:port]/path, e.g. qemu:///system); the value is not shown as it may hold credentials.")]
    [InlineData("http-uri.bad.json", "{e}Libvirt:Targets:0:Uri 'http://x/' has the unknown driver 'http'; libvirt's drivers: qemu, xen, lxc, ch, bhyve, vbox, vmwareplayer, vmwarews, vmwarefusion, esx, gsx, vpx, hyperv, openvz, vz, parallels, test.")]
    [InlineData("negative-interval.bad.json", "{e}Poll:Interval (--poll.interval) is -00:00:30; it must be between 1s and 24h (e.g. 30s, 5m).")]
    [InlineData("unknown-policy.bad.json", "{e}Libvirt:Machines:Policy 'some' is unknown; allowed: default, all.")]
    [InlineData("duplicate-names.bad.json", "{e}Libvirt:Targets: the target name 'a' is used more than once; give each target a unique Name.")]
    [InlineData("bad-listen-address.bad.json", "{e}Web:ListenAddress (--web.listen-address) 'localhost' must be host:port, :port or [ipv6]:port with a port from 0 to 65535.")]
    [InlineData("bad-telemetry-path.bad.json", "{e}TelemetryPath: Web:TelemetryPath (--web.telemetry-path) must be a URL path starting with '/'.")]
    [InlineData("telemetry-path-under-api.bad.json", "{e}Web:TelemetryPath (--web.telemetry-path) '/api/metrics' is taken by another endpoint; not /, /healthz, /readyz, /-/reload or under /api (e.g. /metrics).")]
    [InlineData("not-a-duration.bad.json", "{e}Poll:Timeout is 'soon'; it must be a duration [d.]hh:mm:ss, e.g. 00:05:00.")]
    [InlineData("unknown-key.bad.json", "{e}Poll:Intervall is not a known setting; allowed in Poll: Interval, Timeout, Jitter, BackoffInitial, BackoffMax.")]
    [InlineData("unknown-section.bad.json", "{e}configuration file: unknown section 'Pol'; allowed: Web, Poll, Libvirt, State, Collectors, Logging.")]
    [InlineData("targets-object.bad.json", "{e}Libvirt:Targets must be a list of targets ([{ \"Uri\": \"qemu:///system\" }, ...]), not an object.")]
    [InlineData("state-directory-is-a-file.bad.json", "{e}State:Directory (--state.directory) '/etc/hostname' is a file, not a directory.")]
    [InlineData("state-directory-not-writable.bad.json", "{e}State:Directory (--state.directory) '/proc/self/lce-state' is not writable: Could not find file '/proc/self/lce-state'; give a writable directory, or '' to disable persistence.")]
    [InlineData("password-file-directory.bad.json", "{e}Libvirt:Targets:0:PasswordFile cannot be read: it is a directory.")]
    [InlineData("malformed.bad.json", "{e}configuration file: Failed to load configuration from file '{config}/malformed.bad.json'. Invalid JSON at line 2, position 1.")]
    [InlineData("many-problems.bad.json", """
        {e}Web:TelemetryPath (--web.telemetry-path) '/' is taken by another endpoint; not /, /healthz, /readyz, /-/reload or under /api (e.g. /metrics).
        {e}Poll:Intervall is not a known setting; allowed in Poll: Interval, Timeout, Jitter, BackoffInitial, BackoffMax.
        {e}Poll:Jitter is 'lots'; it must be a number, e.g. 0.1.
        {e}Poll:Timeout is 'soon'; it must be a duration [d.]hh:mm:ss, e.g. 00:05:00.
        {e}Libvirt:Machines:Polcy is not a known setting; allowed in Libvirt:Machines: Policy, IncludeArch, ExcludeArch, IncludeMachine, ExcludeMachine, IncludeVirtType, ExcludeVirtType.
        {e}Libvirt:Targets:0:ReadOnly is 'maybe'; it must be true or false.
        {e}State:ChangeHistory is 'many'; it must be a whole number.
        {e}Collectors:host_numa_cpu is not a known setting; allowed in Collectors: host_features, host_cpu, host_topology, host_numa_cpus, host_resource_control, guest, guest_machines, domcaps_elements, domcaps_enums, domcaps_cpu_models, domcaps_host_model, domcaps_features, other_elements.
        """)]
    public async Task Bad_configuration_exits_2_with_a_message_naming_the_setting(string file, string expected)
    {
        var stderr = new StringWriter();
        await using var app = ExporterHost.Build(["--config.file", TestEnvironment.FixturePath("config", file)], stderr, out var exitCode);

        Assert.Null(app);
        Assert.Equal(ExporterHost.ConfigurationError, exitCode);
        Assert.Equal(Lines(expected.Replace("{config}", TestEnvironment.FixturePath("config"), StringComparison.Ordinal)), Lines(stderr.ToString()));
        Assert.DoesNotContain("s3cret", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_fixture_has_its_expected_message()
    {
        var covered = typeof(ConfigurationTests).GetMethod(nameof(Bad_configuration_exits_2_with_a_message_naming_the_setting))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>().Select(a => (string)a.Data[0]!);
        var files = Directory.GetFiles(TestEnvironment.FixturePath("config"), "*.bad.json").Select(Path.GetFileName);
        Assert.Equal(files.Order(), covered.Order());
    }

    [Theory]
    [InlineData(new[] { "--config.file", "/nonexistent/exporter.json" }, "{e}configuration file: The configuration file 'nonexistent/exporter.json' was not found and is not optional. The expected physical path was '/nonexistent/exporter.json'.")]
    [InlineData(new[] { "--poll.interval=-5s" }, "{e}Poll:Interval (--poll.interval) is -00:00:05; it must be between 1s and 24h (e.g. 30s, 5m).")]
    [InlineData(new[] { "--poll.interval=soon" }, "error: --poll.interval 'soon' is not a duration; use e.g. 500ms, 30s, 5m, 1h30m")]
    [InlineData(new[] { "--poll.interval=99999999999999h" }, "error: --poll.interval '99999999999999h' is out of range; it must be between 1s and 24h")]
    [InlineData(new[] { "--poll.timeout=" }, "error: --poll.timeout is empty; give a duration such as 30s, 5m or 1h")]
    [InlineData(new[] { "--poll.interval=25h" }, "{e}Poll:Interval (--poll.interval) is 1.01:00:00; it must be between 1s and 24h (e.g. 30s, 5m).")]
    [InlineData(new[] { "--web.listen-adress=:1" }, "error: unknown flag '--web.listen-adress' (see --help)")]
    [InlineData(new[] { "stray" }, "error: unexpected argument 'stray' (flags take the form --name=value; see --help)")]
    [InlineData(new[] { "--libvirt.uri" }, "error: Required argument missing for option: '--libvirt.uri'.")]
    [InlineData(new[] { "--libvirt.uri", "qemu+ssh://root:pw@[bad/system" }, "{e}--libvirt.uri 'qemu+ssh://[bad/system' is not a libvirt URI (driver[+transport]://[host][:port]/path, e.g. qemu:///system).")]
    [InlineData(new[] { "--libvirt.uri", "alice:pw@nowhere" }, "{e}--libvirt.uri is not a libvirt URI (driver[+transport]://[host][:port]/path, e.g. qemu:///system); the value is not shown as it may hold credentials.")]
    [InlineData(new[] { "--libvirt.uri", "/system" }, "{e}--libvirt.uri is not a libvirt URI (driver[+transport]://[host][:port]/path, e.g. qemu:///system); the value is not shown as it may hold credentials.")]
    [InlineData(new[] { "--libvirt.uri", "qemu+quic://h/system" }, "{e}--libvirt.uri 'qemu+quic://h/system' has the unknown transport 'quic'; libvirt's transports: unix, tls, tcp, ssh, libssh, libssh2, ext.")]
    [InlineData(new[] { "--log.format", "xml" }, "{e}Logging:Console:FormatterName (--log.format) 'xml' is unknown; allowed: simple, json, systemd.")]
    [InlineData(new[] { "--web.config.file", "/nonexistent/web.yml" }, "{e}Web:ConfigFile (--web.config.file) '/nonexistent/web.yml' cannot be read.")]
    [InlineData(new[] { "--web.telemetry-path", "/healthz" }, "{e}Web:TelemetryPath (--web.telemetry-path) '/healthz' is taken by another endpoint; not /, /healthz, /readyz, /-/reload or under /api (e.g. /metrics).")]
    [InlineData(new[] { "--Poll:Intervall=5m" }, "{e}Poll:Intervall is not a known setting; allowed in Poll: Interval, Timeout, Jitter, BackoffInitial, BackoffMax.")]
    [InlineData(new[] { "--collector.guest", "--no-collector.guest" }, "error: --collector.guest and --no-collector.guest contradict each other; give one.")]
    public async Task Bad_flags_exit_2_with_a_message(string[] args, string expected)
    {
        var stderr = new StringWriter();
        await using var app = ExporterHost.Build([.. args, "--state.directory="], stderr, out var exitCode);

        Assert.Null(app);
        Assert.Equal(ExporterHost.ConfigurationError, exitCode);
        Assert.Equal(Lines(expected), Lines(stderr.ToString()));
        Assert.DoesNotContain("pw@", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prometheus_style_flags_become_settings_and_unknown_sections_pass_through()
    {
        var settings = await SettingsOf(
            "--web.listen-address=:9999", "--libvirt.uri", "qemu:///system", "--libvirt.uri=qemu+tcp://h/system", "--libvirt.read-only",
            "--poll.interval=1m30s", "--poll.timeout", "2m500ms", "--Poll:Jitter=0.3", "--State:ChangeHistory", "7", "--no-collector.domcaps_enums");

        Assert.Equal(":9999", settings.Web.ListenAddress);
        Assert.Equal([("qemu:///system", true), ("qemu+tcp://h/system", true)], settings.Libvirt.Targets.Select(t => (t.Uri, t.ReadOnly)));
        Assert.Equal(TimeSpan.FromSeconds(90), settings.Poll.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(120_500), settings.Poll.Timeout);
        Assert.Equal(0.3, settings.Poll.Jitter);
        Assert.Equal(7, settings.State.ChangeHistory);
        Assert.DoesNotContain("domcaps_enums", settings.Collectors.Enabled);
        Assert.Contains("domcaps_cpu_models", settings.Collectors.Enabled);
    }

    [Fact]
    public async Task Flag_targets_are_added_to_the_file_targets_and_never_take_their_credentials()
    {
        var file = WriteConfig("""
            { "Libvirt": { "Targets": [ { "Name": "hv-01", "Uri": "qemu+tcp://hv-01/system", "Username": "alice", "PasswordFile": "/etc/hostname" } ] } }
            """);

        var settings = await SettingsOf("--config.file", file, "--libvirt.uri", "qemu+tcp://other/system", "--libvirt.read-only");

        Assert.Collection(
            settings.Libvirt.EffectiveTargets,
            t => Assert.Equal(("hv-01", "qemu+tcp://hv-01/system", "alice", "/etc/hostname", false), (t.EffectiveName, t.Uri, t.Username, t.PasswordFile, t.ReadOnly)),
            t => Assert.Equal(("qemu+tcp://other/system", "qemu+tcp://other/system", (string?)null, (string?)null, true), (t.EffectiveName, t.Uri, t.Username, t.PasswordFile, t.ReadOnly)));
    }

    [Theory]
    [InlineData("""{ "Libvirt": { "Targets": [ { "Uri": "qemu:///system" } ] } }""", new[] { "--libvirt.uri", "qemu:///system" },
        "{e}--libvirt.uri 'qemu:///system' has the target name 'qemu:///system' of Libvirt:Targets:0 from the configuration; flags add targets, so drop the flag or give the configured target another Name.")]
    [InlineData("""{ "Libvirt": { "Targets": [ { "Name": "h", "Uri": "qemu+tcp://h/system" } ] } }""", new[] { "--libvirt.read-only" },
        "{e}--libvirt.read-only applies to --libvirt.uri targets only; the configured targets set ReadOnly each (Libvirt:Targets:N:ReadOnly).")]
    public async Task Flags_that_would_mix_silently_with_the_file_are_errors(string json, string[] args, string expected)
    {
        var stderr = new StringWriter();
        await using var app = ExporterHost.Build(["--config.file", WriteConfig(json), "--state.directory=", .. args], stderr, out var exitCode);

        Assert.Null(app);
        Assert.Equal(ExporterHost.ConfigurationError, exitCode);
        Assert.Equal(Lines(expected), Lines(stderr.ToString()));
    }

    [Fact]
    public async Task Read_only_without_any_target_opens_the_default_target_read_only()
    {
        var target = Assert.Single((await SettingsOf("--libvirt.read-only")).Libvirt.EffectiveTargets);

        Assert.Equal(("qemu:///system", true), (target.Uri, target.ReadOnly));
    }

    [Theory]
    [InlineData("203.0.113.1:9866", "error: cannot listen on 203.0.113.1:9866: Cannot assign requested address")]
    [InlineData("127.0.0.1:{busy}", "error: cannot listen on 127.0.0.1:{busy}: Failed to bind to address http://127.0.0.1:{busy}: address already in use.")]
    public async Task A_listen_address_that_cannot_be_bound_is_one_line_and_exit_1(string address, string expected)
    {
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stderr = new StringWriter();

        var exitCode = await ExporterHost.RunAsync(
            ["--web.listen-address", address.Replace("{busy}", port, StringComparison.Ordinal), "--libvirt.uri=test:///default", "--state.directory="],
            TextWriter.Null, stderr);

        Assert.Equal(ExporterHost.StartupError, exitCode);
        Assert.Equal([expected.Replace("{busy}", port, StringComparison.Ordinal)], Lines(stderr.ToString()));
    }

    [Fact]
    public async Task Help_is_the_same_style_as_the_subcommands_and_lists_every_flag()
    {
        var stdout = new StringWriter();

        Assert.Equal(0, await ExporterHost.RunAsync(["--help"], stdout, TextWriter.Null));

        var help = stdout.ToString();
        Assert.StartsWith("Description:", help, StringComparison.Ordinal);
        foreach (var flag in new[] { "--libvirt.uri", "--libvirt.read-only", "--web.listen-address", "--web.config.file", "--poll.timeout", "--config.file", "--collector.host_numa_cpus", "--no-collector.guest_machines" })
        {
            Assert.Contains(flag, help, StringComparison.Ordinal);
        }
    }

    private static string[] Lines(string text) =>
        text.Replace("{e}", "error: invalid configuration: ", StringComparison.Ordinal).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string WriteConfig(string json)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("lce-config-").FullName, "exporter.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static async Task<ExporterSettings> SettingsOf(params string[] args)
    {
        var stderr = new StringWriter();
        await using var app = ExporterHost.Build([.. args, "--state.directory="], stderr, out _);
        Assert.True(app is not null, stderr.ToString());
        return app.Services.GetRequiredService<ExporterSettings>();
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
