using System.Collections.Concurrent;
using System.Text.Json;
using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Libvirt.Capabilities.Exporter.Web;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// No password, password-file path or credential path reaches a label, a log line, /api/targets, the state
/// directory or a configuration error, for every URI form libvirt accepts and for malformed ones; and the
/// password file is read when a connection is opened, so a rotated password is used at the next connect.
/// The real libvirt's own error texts are covered by the integration tests (SecretLeakTests).
/// </summary>
public sealed class SecretsTests : IDisposable
{
    private const string Password = "pw-Zq8Kx2Lm";

    private readonly PollerHarness harness = new();
    private readonly CapturingLogger logs = new();
    private readonly string passwordFile;

    public SecretsTests()
    {
        var directory = Directory.CreateTempSubdirectory("lce-pwdir-").FullName;
        passwordFile = Path.Combine(directory, "libvirt-password-file");
        File.WriteAllText(passwordFile, Password + "\nsecond line is ignored\n");
    }

    public void Dispose() => harness.Dispose();

    /// <summary>Each URI, with the strings that must never be shown: secrets in user-info and credential paths in the query.</summary>
    public static TheoryData<string, string[]> Uris() => new()
    {
        { "qemu+tcp://alice:s3cret@h/system", ["s3cret"] },
        { "qemu+ssh://alice:s3cret@h/system?keyfile=/secret/path", ["s3cret", "/secret/path"] },
        { "qemu+libssh2://alice:s3cret@h/system?known_hosts=/secret/path&sshauth=privkey&keyfile=/secret/path", ["s3cret", "/secret/path"] },
        { "qemu+tls://h/system?pkipath=/secret/dir", ["/secret/dir"] },
        { "qemu+tcp:alice:s3cret@h/system", ["s3cret"] },
        { "alice:s3cret@nowhere", ["s3cret"] },
        { "qemu+tcp://alice:s3cret@x@h/system", ["s3cret"] },
        { "qemu+ssh://alice:s3cret%40x@h/system", ["s3cret"] },
        { "qemu+tcp://alice:s3cr%65t@h/system", ["s3cr%65t", "s3cret"] },
        { "qemu+tcp://alice%3As3cret@h/system", ["s3cret"] },
        { "QEMU+TCP://alice:s3cret@h/system", ["s3cret"] },
        { "qemu+tcp://alice:s3cret@[::1]:16509/system", ["s3cret"] },
    };

    [Theory]
    [MemberData(nameof(Uris))]
    public async Task A_reachable_target_shows_no_secret_anywhere(string uri, string[] secrets)
    {
        var connector = new RecordingConnector(harness.Libvirt);
        using var poller = PollerFactory.Create(harness, new TargetOptions { Uri = uri, Username = "alice", PasswordFile = passwordFile }, logger: logs, libvirt: connector);
        Assert.True(await poller.PollOnceAsync(TestContext.Current.CancellationToken));

        Assert.Equal(Password, Assert.Single(connector.Opened).Credentials?.Password); // The secret does reach libvirt.
        AssertNowhere(secrets);
    }

    [Theory]
    [MemberData(nameof(Uris))]
    public async Task A_failing_target_shows_no_secret_anywhere(string uri, string[] secrets)
    {
        harness.Libvirt.OpenError = RecordedLibvirt.Unreachable();
        using var poller = PollerFactory.Create(harness, new TargetOptions { Uri = uri, Username = "alice", PasswordFile = passwordFile }, logger: logs);
        Assert.False(await poller.PollOnceAsync(TestContext.Current.CancellationToken));

        Assert.Contains("reason=\"unreachable\"} 1", harness.Scrape(), StringComparison.Ordinal);
        AssertNowhere(secrets);
    }

    [Theory]
    [MemberData(nameof(Uris))]
    public void Configuration_errors_show_no_secret(string uri, string[] secrets)
    {
        // An invalid neighbour makes sure the validator reports something for this target list.
        var options = new LibvirtOptions { Targets = [new TargetOptions { Uri = uri, Timeout = TimeSpan.FromDays(3) }, new TargetOptions { Name = "dup", Uri = uri }, new TargetOptions { Name = "dup", Uri = uri }] };
        var result = new LibvirtOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var text = string.Join('\n', result.Failures);
        Assert.All(secrets.Append(Password), s => Assert.DoesNotContain(s, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_password_file_is_read_at_each_connect_so_a_rotated_password_is_used()
    {
        var connector = new RecordingConnector(harness.Libvirt);
        using var poller = PollerFactory.Create(harness, new TargetOptions { Name = "t1", Uri = "qemu+tcp://h/system", Username = "alice", PasswordFile = passwordFile }, logger: logs, libvirt: connector);

        harness.Libvirt.OpenError = RecordedLibvirt.Unreachable();
        Assert.False(await poller.PollOnceAsync(TestContext.Current.CancellationToken));
        await File.WriteAllTextAsync(passwordFile, "rotated-Yv3\n", TestContext.Current.CancellationToken);
        harness.Libvirt.OpenError = null;
        Assert.True(await poller.PollOnceAsync(TestContext.Current.CancellationToken));

        Assert.Equal([(string?)"alice", "alice"], connector.Opened.Select(s => s.Credentials?.Username));
        Assert.Equal([(string?)Password, "rotated-Yv3"], connector.Opened.Select(s => s.Credentials?.Password));
        Assert.DoesNotContain("rotated-Yv3", logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_password_file_fails_the_poll_with_a_log_line_and_a_metric_but_no_path()
    {
        using var poller = PollerFactory.Create(harness, new TargetOptions { Name = "t1", Uri = "qemu+tcp://h/system", Username = "alice", PasswordFile = passwordFile }, logger: logs);
        File.Delete(passwordFile);
        Directory.CreateDirectory(passwordFile); // Unreadable as a file even for root, who ignores file modes.

        Assert.False(await poller.PollOnceAsync(TestContext.Current.CancellationToken));

        var text = harness.Scrape();
        Assert.Contains("libvirt_capabilities_up{target=\"t1\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_collection_success{target=\"t1\",stage=\"connect\"} 0", text, StringComparison.Ordinal);
        Assert.Contains(RenderRunner.SeriesLines(text), l => l.StartsWith("libvirt_capabilities_scrape_errors_total{target=\"t1\",", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
        var error = Assert.Single(harness.Board.All.Single().LastErrors);
        Assert.Equal("connect", error.Stage);
        Assert.Contains(logs.Lines, l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning && l.Text.Contains("t1", StringComparison.Ordinal) && l.Text.Contains("connect", StringComparison.Ordinal));
        Assert.Equal(0, harness.Libvirt.Opens); // Never connects without the configured credentials.
        AssertNowhere([]);
    }

    /// <summary>Metrics, /api/targets as served, every log line, and the names and contents of the state files.</summary>
    private void AssertNowhere(string[] secrets)
    {
        var forbidden = secrets.Append(Password).Append(passwordFile).Append(Path.GetFileName(passwordFile)).ToList();
        var places = new Dictionary<string, string>
        {
            ["/metrics"] = harness.Scrape(),
            ["/api/targets"] = JsonSerializer.Serialize(harness.Board.All, ApiJsonContext.Default.IReadOnlyListTargetStatus),
            ["logs"] = logs.All,
            ["state files"] = Directory.Exists(harness.StateDirectory)
                ? string.Join('\n', Directory.GetFiles(harness.StateDirectory).Select(f => f + "\n" + File.ReadAllText(f)))
                : "",
        };
        foreach (var (place, text) in places)
        {
            foreach (var secret in forbidden)
            {
                Assert.False(text.Contains(secret, StringComparison.OrdinalIgnoreCase), $"'{secret}' appears in {place}:\n{Excerpt(text, secret)}");
            }
        }
    }

    private static string Excerpt(string text, string secret)
    {
        var at = text.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
        return text[Math.Max(0, at - 200)..Math.Min(text.Length, at + secret.Length + 200)];
    }

    /// <summary>Records what each open was given, then opens the recorded libvirt.</summary>
    private sealed class RecordingConnector(ILibvirtConnector inner) : ILibvirtConnector
    {
        private readonly ConcurrentQueue<ConnectionSettings> opened = new();

        public IReadOnlyList<ConnectionSettings> Opened => [.. opened];

        public ILibvirtConnection Open(ConnectionSettings settings)
        {
            opened.Enqueue(settings);
            return inner.Open(settings);
        }
    }
}
