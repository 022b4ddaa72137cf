using System.Text.Json;
using Libvirt.Capabilities.Exporter.Hosting;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// Secrets against the real libvirt client library, whose own error texts repeat URIs and credential paths
/// (ssh: "Identity file /secret/path not accessible", TLS: "Cannot read CA certificate '/secret/dir/cacert.pem'"):
/// through the running exporter process (logs, labels, /api/targets, state files) and through `render --uri`.
/// One target is the real libvirtd over TCP with Username and PasswordFile (auth none there: it must come up).
/// </summary>
public sealed class SecretLeakTests
{
    private const string Password = "pw-Zq8Kx2Lm";

    /// <summary>Every URI form libvirt accepts, and malformed ones; each host is distinct so default names differ.</summary>
    private static readonly string[] Uris =
    [
        "qemu+tcp://alice:s3cret@h1.invalid/system",
        "qemu+ssh://alice:s3cret@h2.invalid/system?keyfile=/secret/path",
        "qemu+libssh2://alice:s3cret@h3.invalid/system?known_hosts=/secret/path&sshauth=privkey&keyfile=/secret/path",
        "qemu+tls://h4.invalid/system?pkipath=/secret/dir",
        "qemu+tcp:alice:s3cret@h5.invalid/system",
        "alice:s3cret@nowhere",
        "qemu+tcp://alice:s3cret@x@h7.invalid/system",
        "qemu+ssh://alice:s3cret%40x@h8.invalid/system",
        "qemu+tcp://alice:s3cr%65t@h9.invalid/system",
        "qemu+tcp://alice%3As3cret@h10.invalid/system",
        "QEMU+TCP://alice:s3cret@h11.invalid/system",
        "qemu+tcp://alice:s3cret@127.0.0.1/system",
    ];

    private static readonly string[] Secrets = ["s3cret", "s3cr%65t", "/secret/path", "/secret/dir", Password];

    private readonly List<string> leaks = [];

    [Fact]
    public async Task The_running_exporter_shows_no_secret_in_logs_labels_api_or_state()
    {
        using var probe = Libvirtd.Open(Libvirtd.Tcp);
        var directory = Directory.CreateTempSubdirectory("lce-leak-").FullName;
        var passwordFile = Path.Combine(directory, "libvirt-password-file");
        await File.WriteAllTextAsync(passwordFile, Password + "\n", TestContext.Current.CancellationToken);
        var state = Path.Combine(directory, "state");

        // URIs the configuration refuses are fine, as long as the refusal names no secret.
        var accepted = new List<string>();
        foreach (var uri in Uris)
        {
            var stderr = new StringWriter();
            var app = ExporterHost.Build(["--libvirt.uri", uri, "--web.listen-address=127.0.0.1:0", "--state.directory", state], stderr, out _);
            AssertNoSecret($"the configuration error for {uri}", stderr.ToString(), passwordFile);
            if (app is not null)
            {
                accepted.Add(uri);
                await app.DisposeAsync();
            }
        }

        Assert.Contains(Libvirtd.Tcp.Replace("//", "//alice:s3cret@", StringComparison.Ordinal), accepted);
        var config = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(
            config,
            JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["Libvirt"] = new Dictionary<string, object>
                {
                    ["Targets"] = accepted.Select(u => new Dictionary<string, string> { ["Uri"] = u, ["Username"] = "alice", ["PasswordFile"] = passwordFile }).ToList(),
                },
            }),
            TestContext.Current.CancellationToken);

        using var exporter = await ExporterProcess.StartWithArgumentsAsync("--config.file", config, "--state.directory", state, "--poll.interval=10m", "--poll.timeout=20s");
        var http = exporter.Http;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await http.GetAsync("/readyz", TestContext.Current.CancellationToken)).StatusCode != System.Net.HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "not every target was polled within 2 minutes:\n" + exporter.Output);
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        var metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        var targets = await http.GetStringAsync("/api/targets", TestContext.Current.CancellationToken);

        // The real libvirtd accepted the connection that carried the credentials, and its data was published.
        Assert.Contains("libvirt_capabilities_up{target=\"qemu+tcp://127.0.0.1/system\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains(RenderRunner.SeriesLines(metrics), l => l.StartsWith("libvirt_domcaps_info{target=\"qemu+tcp://127.0.0.1/system\"", StringComparison.Ordinal));
        Assert.NotEmpty(Directory.GetFiles(state));

        AssertNoSecret("/metrics", metrics, passwordFile);
        AssertNoSecret("/api/targets", targets, passwordFile);
        AssertNoSecret("/api/changes", await http.GetStringAsync("/api/changes", TestContext.Current.CancellationToken), passwordFile);
        AssertNoSecret("the logs", exporter.Output, passwordFile);
        foreach (var file in Directory.GetFiles(state))
        {
            AssertNoSecret($"state file {file}", file + "\n" + await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken), passwordFile);
        }

        AssertNoLeaks();
    }

    [Fact]
    public void Render_uri_shows_no_secret_in_its_output_or_error_lines()
    {
        using var probe = Libvirtd.Open(Libvirtd.Tcp);
        foreach (var uri in Uris)
        {
            var result = RenderRunner.Run("--uri", uri, "--target", "t");
            AssertNoSecret($"render --uri {uri}", result.Stdout + "\n" + result.Stderr, "");
            Assert.True(uri.Contains("127.0.0.1", StringComparison.Ordinal) ? result.ExitCode == 0 : result.ExitCode != 0, $"{uri}: exit {result.ExitCode}\n{result.Stderr}");
        }

        AssertNoLeaks();
    }

    /// <summary>Notes every secret found, so one run reports every leak at once.</summary>
    private void AssertNoSecret(string place, string text, string passwordFile)
    {
        foreach (var secret in Secrets.Append(passwordFile).Where(s => s.Length > 0))
        {
            var at = text.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                var line = text[(text.LastIndexOf('\n', at) + 1)..];
                leaks.Add($"'{secret}' appears in {place}: {line[..Math.Min(line.Length, 400)].Split('\n')[0]}");
            }
        }
    }

    private void AssertNoLeaks() => Assert.True(leaks.Count == 0, $"{leaks.Count} leaks:\n" + string.Join('\n', leaks));
}
