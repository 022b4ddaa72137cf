using System.Net;
using Libvirt.Capabilities.Connection;
using Libvirt.Capabilities.Exporter.Hosting;
using Libvirt.Capabilities.Exporter.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>
/// Every endpoint answers GET and HEAD and nothing else (405 with Allow); HEAD has GET's status and headers and
/// no body; /-/reload takes POST only.
/// </summary>
public sealed class HttpMethodTests : IAsyncDisposable
{
    private static readonly string[] GetEndpoints = ["/", "/metrics", "/healthz", "/readyz", "/api/targets", "/api/changes", "/api/changes?limit=5"];

    private readonly string state = Directory.CreateTempSubdirectory("lce-methods-").FullName;
    private WebApplication? app;

    [Fact]
    public async Task Head_answers_like_get_without_a_body()
    {
        using var http = await StartAsync();
        await UntilReadyAsync(http); // Else /readyz may turn from 503 to 200 between the GET and the HEAD.
        foreach (var path in GetEndpoints)
        {
            using var get = await http.GetAsync(path, TestContext.Current.CancellationToken);
            var body = await get.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), TestContext.Current.CancellationToken);

            Assert.True(get.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"GET {path}: {get.StatusCode}");
            Assert.Equal(get.StatusCode, head.StatusCode);
            Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
            if (path is "/" or "/healthz" or "/api/changes")
            {
                // Fixed bodies: HEAD announces exactly the length GET sends.
                Assert.Equal(body.Length, head.Content.Headers.ContentLength);
            }
        }
    }

    [Fact]
    public async Task Other_methods_get_405_with_an_allow_header()
    {
        using var http = await StartAsync();
        foreach (var path in GetEndpoints.Append("/no-such-page"))
        {
            foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options, new HttpMethod("PROPFIND") })
            {
                using var response = await http.SendAsync(new HttpRequestMessage(method, path), TestContext.Current.CancellationToken);

                Assert.True(response.StatusCode == HttpStatusCode.MethodNotAllowed, $"{method} {path}: {response.StatusCode}");
                Assert.Equal("GET, HEAD", string.Join(", ", response.Content.Headers.Allow));
                Assert.DoesNotContain("libvirt_", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Reload_takes_post_only()
    {
        using var http = await StartAsync();

        using var post = await http.PostAsync("/-/reload", null, TestContext.Current.CancellationToken);
        using var get = await http.GetAsync("/-/reload", TestContext.Current.CancellationToken);
        using var put = await http.PutAsync("/-/reload", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal("POST", string.Join(", ", get.Content.Headers.Allow));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
    }

    [Fact]
    public async Task Unknown_paths_stay_404_for_get_and_head()
    {
        using var http = await StartAsync();

        using var get = await http.GetAsync("/no-such-page", TestContext.Current.CancellationToken);
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/no-such-page"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        Directory.Delete(state, recursive: true);
    }

    /// <summary>Until the first poll is done, so every endpoint answers the same to both requests.</summary>
    private static async Task UntilReadyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var ready = await http.GetAsync("/readyz", TestContext.Current.CancellationToken);
            if (ready.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"/readyz still {ready.StatusCode} after 30 s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private async Task<HttpClient> StartAsync()
    {
        var stderr = new StringWriter();
        var libvirt = new RecordedLibvirt();
        app = ExporterHost.Build(
            ["--web.listen-address=127.0.0.1:0", "--web.enable-lifecycle", "--libvirt.uri", "qemu+tcp://recorded/system", "--state.directory", state],
            stderr,
            out _,
            services => services.AddSingleton<ILibvirtConnector>(libvirt));
        Assert.True(app is not null, stderr.ToString());
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }
}
