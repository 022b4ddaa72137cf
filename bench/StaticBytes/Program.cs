// Kestrel serving fixed bytes from memory: what any /metrics endpoint on this machine can at best do.
//   static-bytes --urls http://127.0.0.1:PORT --file metrics.txt [--gzip-file metrics.txt.gz]
// With --gzip-file, a request that accepts gzip gets those bytes (as the exporter's pre-compressed twin).
// Without --file it serves only /healthz: the memory floor of a bare ASP.NET Core Native AOT app.
// With --libvirt URI it also opens a read-only libvirt connection and fetches the host capabilities once, then
// keeps the connection: the floor of any .NET exporter that links the libvirt C library (its libraries loaded).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var file = app.Configuration["file"];
if (file is not null)
{
    var plain = File.ReadAllBytes(file);
    var gzipFile = app.Configuration["gzip-file"];
    var gzip = gzipFile is null ? null : File.ReadAllBytes(gzipFile);
    app.MapGet("/metrics", (HttpContext context) =>
    {
        var compressed = gzip is not null && context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.Ordinal);
        var body = compressed ? gzip! : plain;
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        if (compressed)
        {
            context.Response.Headers.ContentEncoding = "gzip";
        }

        context.Response.Headers.Vary = "Accept, Accept-Encoding";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    });
}

var libvirtUri = app.Configuration["libvirt"];
if (libvirtUri is not null)
{
    LibvirtFloor.Open(libvirtUri);
}

app.MapGet("/healthz", () => "ok");
app.Run();
