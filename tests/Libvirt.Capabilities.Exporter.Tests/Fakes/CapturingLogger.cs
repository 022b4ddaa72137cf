using Microsoft.Extensions.Logging;

using System.Collections.Concurrent;

namespace Libvirt.Capabilities.Exporter.Tests.Fakes;

/// <summary>
/// A logger provider that keeps every formatted line, its structured values and any exception text, so a test
/// can search everything an operator's log collector would receive.
/// </summary>
public sealed class CapturingLogger : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> lines = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Lines => [.. lines];

    /// <summary>All captured text in one string, for "never contains" assertions.</summary>
    public string All => string.Join('\n', lines.Select(l => l.Text));

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : "";
        lines.Enqueue((logLevel, $"{formatter(state, exception)} | {values} | {exception}"));
    }

    public void Dispose()
    {
    }
}
