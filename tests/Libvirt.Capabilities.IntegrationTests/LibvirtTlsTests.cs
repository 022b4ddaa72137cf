namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// Issue 6, section 6: libvirt over TLS. A private libvirtd listens for TLS with certificates made by the
/// test; the exporter polls it with <c>qemu+tls://...?pkipath=DIR</c>, once with the right CA and once with a
/// wrong one. The wrong one is a clear error, and no certificate or key path reaches logs, metrics or the API.
/// </summary>
public sealed class LibvirtTlsTests
{
    private const int ExporterPort = 19122;
    private const int TcpPort = 16522;
    private const int TlsPort = 16523;
    private const string Trusted = "tls";

    [Fact]
    public async Task Polls_libvirt_over_tls_and_a_wrong_ca_is_a_clear_error_that_names_no_path()
    {
        var root = Directory.CreateTempSubdirectory("lce-tls-").FullName;
        try
        {
            var pki = TestPki.Create(Path.Combine(root, "pki"));
            var stranger = TestPki.Create(Path.Combine(root, "other-pki")); // A client of another CA.

            using var daemon = new PrivateLibvirtd(TcpPort, TlsPort, pki.ServerDirectory);
            var trustedUri = $"qemu+tls://127.0.0.1:{TlsPort}/system?pkipath={pki.ClientDirectory}";
            var wrongUri = $"qemu+tls://127.0.0.1:{TlsPort}/system?pkipath={stranger.ClientDirectory}";

            // Independent oracle: libvirt's own client accepts the first and refuses the second.
            var trustedByVirsh = Virsh.Run("-c", trustedUri, "uri");
            Assert.True(trustedByVirsh.ExitCode == 0, "virsh over TLS with the right CA failed: " + trustedByVirsh.Stderr);
            Assert.NotEqual(0, Virsh.Run("-c", wrongUri, "uri").ExitCode);

            // The trusted target has a name; the other one gets the default name derived from its URI.
            using var exporter = await ExporterProcess.StartAsync(
                ExporterPort,
                [(Trusted, trustedUri), (null, wrongUri)],
                "--poll.interval=2s", "--poll.timeout=10s",
                "--Libvirt:Machines:IncludeArch:0=x86_64");
            var wrongName = $"qemu+tls://127.0.0.1:{TlsPort}/system";

            var metrics = await exporter.WaitForAsync(
                "the trusted target up and the wrong-CA target failed",
                m => m.Up(Trusted) == 1 && m.Errors(wrongName, "unreachable") >= 1,
                TimeSpan.FromSeconds(120)); // A fresh daemon may re-probe QEMU first.
            Assert.Contains(metrics.CapabilitySeries(Trusted), s => s.StartsWith("libvirt_domcaps_cpu_model_usable{", StringComparison.Ordinal));
            Assert.Equal(0, metrics.Up(wrongName));
            Assert.Empty(metrics.CapabilitySeries(wrongName));

            // A clear error: the log says why (libvirt's certificate message), for the target by its safe name.
            Assert.Contains(
                exporter.Output.Split('\n'),
                l => l.Contains(wrongName, StringComparison.Ordinal) && l.Contains("certificate", StringComparison.OrdinalIgnoreCase));

            var targets = await exporter.GetAsync("/api/targets");
            var changes = await exporter.GetAsync("/api/changes");
            var places = new (string Where, string Text)[] { ("log", exporter.Output), ("/metrics", metrics.Text), ("/api/targets", targets), ("/api/changes", changes) };
            var leaks = places
                .SelectMany(place => place.Text.Split('\n')
                    .Where(l => l.Contains(root, StringComparison.Ordinal) || l.Contains("pkipath", StringComparison.OrdinalIgnoreCase))
                    .Distinct()
                    .Take(5)
                    .Select(l => $"{place.Where}: {l.Trim()}"))
                .ToList();
            Assert.True(leaks.Count == 0, "a certificate path or the URI query (pkipath=) appears in:\n" + string.Join('\n', leaks));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
