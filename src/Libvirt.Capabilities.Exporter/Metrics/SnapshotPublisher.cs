namespace Libvirt.Capabilities.Exporter.Metrics;

/// <summary>
/// Holds the published sample sets, one per key (a target, or a fleet group), split by family: a new set
/// replaces the key's previous one whole, so a vanished capability never lingers. Pollers <see cref="Stage"/> a
/// set; <see cref="ExpositionRenderer"/> applies it and renders the bytes scrapes serve. A family whose samples
/// equal the previous set's keeps its <see cref="PublishedFamily"/> object, so the renderer can reuse its bytes:
/// a poll costs the families it changed, not every series of every target.
/// </summary>
public sealed class SnapshotPublisher
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, IReadOnlyList<Sample>> staged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, PublishedFamily>> publishedByKey = new(StringComparer.Ordinal);

    // Families and keys in the order they were first seen: the exposition's order, stable across polls.
    private readonly List<string> familyOrder = [];
    private readonly HashSet<string> knownFamilies = new(StringComparer.Ordinal);
    private readonly List<string> keyOrder = [];
    private readonly HashSet<string> knownKeys = new(StringComparer.Ordinal);

    /// <summary>Raised with every staged set, e.g. for the OpenTelemetry mirror of the metrics.</summary>
    public event Action<string, IReadOnlyList<Sample>>? Staged;

    /// <summary>Raised after every staged set, so the exposition is rendered again.</summary>
    public event Action? Changed;

    /// <summary>Hands a key's complete sample set over for the next rendering; replaces any set not yet applied.</summary>
    public void Stage(string key, IReadOnlyList<Sample> samples)
    {
        lock (gate)
        {
            staged[key] = samples;
        }

        Staged?.Invoke(key, samples);
        Changed?.Invoke();
    }

    /// <summary>Applies every staged set. Idempotent and safe to call from any thread.</summary>
    public void ApplyStaged()
    {
        lock (gate)
        {
            foreach (var (key, samples) in staged)
            {
                Publish(key, samples);
            }

            staged.Clear();
        }
    }

    /// <summary>Applies one key's set at once (used directly by render and the benchmarks).</summary>
    public void Publish(string key, IReadOnlyList<Sample> samples)
    {
        lock (gate)
        {
            var previous = publishedByKey.GetValueOrDefault(key);
            var current = new Dictionary<string, PublishedFamily>(StringComparer.Ordinal);
            foreach (var group in samples.GroupBy(s => s.Family.Name, StringComparer.Ordinal))
            {
                var (name, family) = (group.Key, group.ToList());
                var kept = previous?.GetValueOrDefault(name);
                current[name] = kept is not null && kept.SameAs(family) ? kept : new PublishedFamily(key, family[0].Family, [.. family]);
                if (knownFamilies.Add(name))
                {
                    familyOrder.Add(name);
                }
            }

            if (current.Count == 0)
            {
                publishedByKey.Remove(key);
                return;
            }

            if (knownKeys.Add(key))
            {
                keyOrder.Add(key);
            }

            publishedByKey[key] = current;
        }
    }

    /// <summary>Removes every series of a key (it left the configuration).</summary>
    public void Remove(string key) => Publish(key, []);

    /// <summary>Every published family of every key: family by family, each in key order.</summary>
    public List<PublishedFamily> Published()
    {
        lock (gate)
        {
            var published = new List<PublishedFamily>();
            foreach (var family in familyOrder)
            {
                foreach (var key in keyOrder)
                {
                    if (publishedByKey.TryGetValue(key, out var families) && families.TryGetValue(family, out var part))
                    {
                        published.Add(part);
                    }
                }
            }

            return published;
        }
    }
}
