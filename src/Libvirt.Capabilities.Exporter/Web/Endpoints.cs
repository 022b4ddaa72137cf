using System.Net;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Fleet;
using Libvirt.Capabilities.Exporter.Metrics;
using Libvirt.Capabilities.Exporter.Options;
using Libvirt.Capabilities.Exporter.Polling;

namespace Libvirt.Capabilities.Exporter.Web;

/// <summary>The HTTP surface: metrics, landing page, health, readiness and the JSON API.</summary>
public static class Endpoints
{
    public static void Map(WebApplication app, ExporterSettings settings)
    {
        var telemetryPath = settings.Web.TelemetryPath;
        app.MapGet(telemetryPath, (HttpContext context, ExpositionRenderer renderer) => MetricsEndpoint.WriteAsync(context, renderer));
        app.MapGet("/", () => Results.Content(LandingPage(telemetryPath), "text/html; charset=utf-8"));
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (TargetStatusBoard board) => board.Ready
            ? Results.Text("ready\n")
            : Results.Text("not ready: some targets have not been polled yet\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/api/targets", (TargetStatusBoard board) => Results.Json(board.All, ApiJsonContext.Default.IReadOnlyListTargetStatus));
        if (settings.Web.EnableLifecycle)
        {
            app.MapPost("/-/reload", async (PollingService polling, ExpositionRenderer renderer, CancellationToken cancel) =>
            {
                var outcome = polling.Reload();
                if (outcome.Errors.Count > 0)
                {
                    return Results.Text("reload rejected:\n" + string.Join('\n', outcome.Errors) + "\n", statusCode: StatusCodes.Status400BadRequest);
                }

                await renderer.RenderAsync(cancel).ConfigureAwait(false); // Removed targets are gone from the next scrape.
                return Results.Text(outcome.NeedRestart.Count == 0
                    ? "reloaded\n"
                    : $"reloaded; these changed settings take effect only after a restart: {string.Join(", ", outcome.NeedRestart)}\n");
            });
        }

        app.MapGet("/api/compat", (FleetService fleet) => Results.Json(fleet.Report, ApiJsonContext.Default.FleetReport));
        app.MapGet("/api/changes", (ChangeLog log, string? target, int? limit) =>
            Results.Json(log.Recent(target, Math.Clamp(limit ?? 100, 1, 10_000)), ApiJsonContext.Default.ListCapabilityChange));
    }

    private static string LandingPage(string telemetryPath) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>libvirt capabilities exporter</title></head>
        <body>
        <h1>libvirt capabilities exporter</h1>
        <p>Version {WebUtility.HtmlEncode(BuildInfo.Version)} (revision {WebUtility.HtmlEncode(BuildInfo.Revision)})</p>
        <ul>
        <li><a href="{WebUtility.HtmlEncode(telemetryPath)}">Metrics</a></li>
        <li><a href="/api/targets">Targets</a> (JSON: state, last success, last error, combinations)</li>
        <li><a href="/api/changes">Capability changes</a> (JSON, newest first; ?target=NAME&amp;limit=N)</li>
        <li><a href="/api/compat">CPU compatibility</a> (JSON: classes, pairs, baseline CPU per group)</li>
        <li><a href="/healthz">Health</a> and <a href="/readyz">readiness</a></li>
        </ul>
        </body>
        </html>
        """;
}
