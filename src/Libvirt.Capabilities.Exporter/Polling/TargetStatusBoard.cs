using System.Collections.Concurrent;

namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>The latest status of every configured target, read by the HTTP endpoints without locking.</summary>
public sealed class TargetStatusBoard
{
    private readonly ConcurrentDictionary<string, TargetStatus> statuses = new(StringComparer.Ordinal);

    /// <summary>A target went up or down (its first status counts as a change). Raised on the target's poller; must not block.</summary>
    public event Action? UpChanged;

    /// <summary>Replaces a target's status. Each target's statuses come from its one poller, in order.</summary>
    public void Set(TargetStatus status)
    {
        var wasUp = statuses.TryGetValue(status.Name, out var previous) ? previous.Up : (bool?)null;
        statuses[status.Name] = status;
        if (wasUp != status.Up)
        {
            UpChanged?.Invoke();
        }
    }

    public void Remove(string name) => statuses.TryRemove(name, out _);

    public IReadOnlyList<TargetStatus> All => [.. statuses.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>Ready once every target completed at least one poll, successful or not.</summary>
    public bool Ready => !statuses.IsEmpty && statuses.Values.All(s => s.Polls > 0);
}
