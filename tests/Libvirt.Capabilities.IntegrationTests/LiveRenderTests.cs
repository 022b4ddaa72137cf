using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// <c>render --uri</c> end to end against the real libvirtd. A full collection is slow (libvirt validates
/// its QEMU capability cache on each call), so each URI is rendered once and shared by the assertions.
/// </summary>
public sealed class LiveRenderTests(LiveRenderTests.Renders renders) : IClassFixture<LiveRenderTests.Renders>
{
    public sealed class Renders
    {
        private readonly Dictionary<string, RenderRunner.Result> results = [];

        public RenderRunner.Result For(string uri)
        {
            lock (results)
            {
                using var probe = Libvirtd.Open(uri);
                if (!results.TryGetValue(uri, out var result))
                {
                    result = RenderRunner.Run("--uri", uri, "--target", "live");
                    results[uri] = result;
                }

                return result;
            }
        }
    }

    [Theory]
    [InlineData(Libvirtd.System)]
    [InlineData(Libvirtd.Tcp)]
    public void Collects_both_documents_with_health_series(string uri)
    {
        var result = renders.For(uri);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var text = result.Stdout;

        Assert.Contains("libvirt_capabilities_up{target=\"live\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_collection_success{target=\"live\",stage=\"domain\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_target_info{target=\"live\",hostname=", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_api_call_duration_seconds_count{target=\"live\",api=\"virConnectGetDomainCapabilities\"}", text, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_exporter_build_info{", text, StringComparison.Ordinal);
        foreach (var combination in new[]
        {
            "arch=\"x86_64\",machine=\"q35\",virt_type=\"kvm\",resolved_machine=\"pc-q35-",
            "arch=\"x86_64\",machine=\"pc\",virt_type=\"kvm\",resolved_machine=\"pc-i440fx-",
            "arch=\"aarch64\",machine=\"virt\",virt_type=\"qemu\",resolved_machine=\"virt-",
        })
        {
            Assert.Contains(RenderRunner.SeriesLines(text), l => l.StartsWith("libvirt_domcaps_info{", StringComparison.Ordinal) && l.Contains(combination, StringComparison.Ordinal));
        }

        Assert.Contains(RenderRunner.SeriesLines(text), l => l.StartsWith("libvirt_domcaps_info{", StringComparison.Ordinal) && l.Contains("arch=\"x86_64\"", StringComparison.Ordinal) && l.Contains("virt_type=\"kvm\"", StringComparison.Ordinal));
        Assert.Contains(RenderRunner.SeriesLines(text), l => l.StartsWith("libvirt_domcaps_info{", StringComparison.Ordinal) && l.Contains("arch=\"x86_64\"", StringComparison.Ordinal) && l.Contains("virt_type=\"qemu\"", StringComparison.Ordinal));
        Assert.True(RenderRunner.CountSeries(text, "libvirt_domcaps_cpu_model_usable") > 100);
        Promtool.AssertValid(text);
    }

    [Fact]
    public void Read_only_render_reports_domain_capabilities_as_unavailable()
    {
        using var probe = Libvirtd.Open(Libvirtd.System);
        var result = RenderRunner.Run("--uri", Libvirtd.System, "--read-only");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("libvirt_capabilities_up{target=\"local\"} 1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_collection_success{target=\"local\",stage=\"domain\"} 0", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("libvirt_capabilities_scrape_errors_total{target=\"local\",reason=\"read_only\"} 1", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, RenderRunner.CountSeries(result.Stdout, "libvirt_domcaps_info"));
        Assert.True(RenderRunner.CountSeries(result.Stdout, "libvirt_guest_machine_info") > 0);
        Assert.Contains("read only access prevents virConnectGetDomainCapabilities", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qemu+tcp://admin:hunter2@127.0.0.1:1/system", "qemu+tcp://127.0.0.1:1/system")]
    [InlineData("nonsense:///nowhere", "nonsense:///nowhere")]
    [InlineData("qemu+tpc://admin:hunter2@127.0.0.1/system", "qemu+tpc://127.0.0.1/system")]
    public void Unreachable_uri_is_one_line_naming_it_without_credentials(string uri, string shown)
    {
        var result = RenderRunner.Run("--uri", uri);

        RenderRunner.AssertOneLineError(result, shown + ": cannot connect");
        Assert.DoesNotContain("hunter2", result.Stderr, StringComparison.Ordinal);
    }
}
