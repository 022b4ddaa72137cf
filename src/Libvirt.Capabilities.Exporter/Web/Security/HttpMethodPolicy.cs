namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// Every endpoint answers GET and HEAD only (405 with an Allow header otherwise), except /-/reload, which takes
/// POST only. HEAD runs the GET endpoint and sends its headers, with the Content-Length of the body it would
/// have sent, and no body. Runs before routing, so HEAD finds the GET endpoints.
/// </summary>
public static class HttpMethodPolicy
{
    public const string ReloadPath = "/-/reload";

    public static void Use(IApplicationBuilder app, bool enableLifecycle)
    {
        app.Use((context, next) =>
        {
            var request = context.Request;
            var reload = enableLifecycle && request.Path.Value?.TrimEnd('/').Equals(ReloadPath, StringComparison.OrdinalIgnoreCase) == true;
            if (reload ? HttpMethods.IsPost(request.Method) : HttpMethods.IsGet(request.Method))
            {
                return next(context);
            }

            if (!reload && HttpMethods.IsHead(request.Method))
            {
                return AnswerHead(context, next);
            }

            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = reload ? "POST" : "GET, HEAD";
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("Method Not Allowed\n");
        });
    }

    private static async Task AnswerHead(HttpContext context, RequestDelegate next)
    {
        var response = context.Response;
        var body = response.Body;
        await using var discarded = new CountingDiscardStream();
        context.Request.Method = HttpMethods.Get;
        response.Body = discarded;
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = body;
            context.Request.Method = HttpMethods.Head;
        }

        if (!response.HasStarted && response.ContentLength is null && !response.Headers.ContainsKey("Transfer-Encoding"))
        {
            response.ContentLength = discarded.Length;
        }
    }

    /// <summary>Counts what the GET endpoint writes and throws it away.</summary>
    private sealed class CountingDiscardStream : Stream
    {
        private long length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => length;

        public override long Position { get => length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => length += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            length += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            length += count;
            return Task.CompletedTask;
        }
    }
}
