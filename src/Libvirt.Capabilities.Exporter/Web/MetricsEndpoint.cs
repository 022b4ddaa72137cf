using System.Buffers;
using Libvirt.Capabilities.Exporter.Metrics;
using Microsoft.Extensions.Primitives;

namespace Libvirt.Capabilities.Exporter.Web;

/// <summary>
/// Serves the pre-rendered exposition: the format the scraper asks for (OpenMetrics when its Accept header
/// names it, the Prometheus text format otherwise), gzip when it accepts it (Prometheus always does). No
/// rendering, no lock and no I/O other than the socket: a scrape is a copy of bytes.
/// </summary>
public static class MetricsEndpoint
{
    // Bodies are written in segments; flushing every so often bounds what a slow client holds in Kestrel's pipe.
    private const int FlushEvery = 64 * 1024;

    public static Task WriteAsync(HttpContext context, ExpositionRenderer renderer)
    {
        var exposition = renderer.Current;
        var request = context.Request;
        var openMetrics = Mentions(request.Headers.Accept, "application/openmetrics-text");
        var gzip = Mentions(request.Headers.AcceptEncoding, "gzip");

        var response = context.Response;
        response.ContentType = openMetrics ? Exposition.OpenMetricsContentType : Exposition.TextContentType;
        response.Headers.Vary = "Accept, Accept-Encoding";
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }

        var body = (openMetrics, gzip) switch
        {
            (true, true) => exposition.OpenMetricsGzip,
            (true, false) => exposition.OpenMetrics,
            (false, true) => exposition.TextGzip,
            (false, false) => exposition.Text,
        };
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : WriteSegmentsAsync(response, body, context.RequestAborted);
    }

    private static async Task WriteSegmentsAsync(HttpResponse response, Segments body, CancellationToken aborted)
    {
        var writer = response.BodyWriter;
        var unflushed = 0;
        foreach (var part in body.Parts)
        {
            writer.Write(part);
            unflushed += part.Length;
            if (unflushed >= FlushEvery)
            {
                await writer.FlushAsync(aborted).ConfigureAwait(false);
                unflushed = 0;
            }
        }

        await writer.FlushAsync(aborted).ConfigureAwait(false);
    }

    private static bool Mentions(StringValues header, string token)
    {
        foreach (var value in header)
        {
            if (value is not null && value.Contains(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
