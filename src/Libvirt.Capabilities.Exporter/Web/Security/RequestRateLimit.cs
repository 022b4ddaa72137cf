namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// <c>rate_limit</c>: Go's token bucket (golang.org/x/time/rate) as exporter-toolkit uses it: one request per
/// <c>interval</c> on average, up to <c>burst</c> at once; requests beyond it get 429 Too Many Requests.
/// </summary>
public sealed class RequestRateLimit(TimeSpan interval, int burst, TimeProvider time)
{
    private readonly Lock gate = new();
    private double tokens = burst;
    private long last = time.GetTimestamp();

    public TimeSpan Interval => interval;

    public int Burst => burst;

    public bool TryTake()
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            tokens = Math.Min(burst, tokens + (time.GetElapsedTime(last, now) / interval));
            last = now;
            if (tokens < 1)
            {
                return false;
            }

            tokens--;
            return true;
        }
    }

    /// <summary>Answers 429 when the limit in force (if any) is exhausted; first in the pipeline, as in exporter-toolkit.</summary>
    public static void Use(IApplicationBuilder app, Func<RequestRateLimit?> limit) => app.Use((context, next) =>
    {
        if (limit() is not { } current || current.TryTake())
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("Too Many Requests\n");
    });
}
