using System.Collections.Concurrent;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>The latest status of every configured target, read by the HTTP endpoints without locking.</summary>
public sealed class TargetStatusBoard
{
    private readonly ConcurrentDictionary<string, TargetStatus> statuses = new(StringComparer.Ordinal);

    public void Set(TargetStatus status) => statuses[status.Name] = status;

    public void Remove(string name) => statuses.TryRemove(name, out _);

    public IReadOnlyList<TargetStatus> All => [.. statuses.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>Ready once every target completed at least one poll, successful or not.</summary>
    public bool Ready => !statuses.IsEmpty && statuses.Values.All(s => s.Polls > 0);
}
