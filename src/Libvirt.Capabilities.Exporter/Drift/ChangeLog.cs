namespace Libvirt.Capabilities.Exporter.Drift;

/// <summary>The most recent capability changes of all targets, bounded, for /api/changes.</summary>
public sealed class ChangeLog(int capacity)
{
    private readonly Lock gate = new();
    private readonly LinkedList<CapabilityChange> changes = new();

    public void Add(IEnumerable<CapabilityChange> added)
    {
        lock (gate)
        {
            foreach (var change in added)
            {
                changes.AddFirst(change);
                if (changes.Count > capacity)
                {
                    changes.RemoveLast();
                }
            }
        }
    }

    /// <summary>Newest first; optionally only one target's.</summary>
    public List<CapabilityChange> Recent(string? target = null, int limit = int.MaxValue)
    {
        lock (gate)
        {
            return [.. changes.Where(c => target is null || c.Target == target).Take(limit)];
        }
    }
}
