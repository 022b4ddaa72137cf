using System.Globalization;

namespace Libvirt.Capabilities.Exporter.Tests.Oracle;

/// <summary>
/// The facts a document holds, computed by the test from the XML (never by the exporter's parsers or
/// collectors), in the terms docs/metrics.md gives them: a family, the labels that identify the fact, and
/// its value (the number and the family's value labels). Diffing two sets gives the changes drift must report.
/// </summary>
internal sealed class OracleFacts
{
    private readonly Dictionary<string, Fact> facts = new(StringComparer.Ordinal);

    /// <summary>One fact: its identity labels and its value as a change reports it.</summary>
    public sealed record Fact(string Family, string Kind, IReadOnlyList<(string Name, string Value)> Identity, string Value);

    public IEnumerable<Fact> All => facts.Values;

    /// <summary>Adds a fact; a second fact with the same identity is ignored (the first one counts, as docs/metrics.md says of drift).</summary>
    public void Add(string family, double number, (string Name, string Value)[] identity, (string Name, string Value)[]? values = null, bool capacity = false)
    {
        var fact = new Fact(family, capacity ? "capacity" : "capability", identity, Describe(number, values ?? []));
        facts.TryAdd(Key(family, identity), fact);
    }

    /// <summary>Every change between two fact sets, one line each (see <see cref="Line"/>).</summary>
    public static List<string> Diff(OracleFacts before, OracleFacts after)
    {
        var changes = new List<string>();
        foreach (var (key, fact) in after.facts)
        {
            if (!before.facts.TryGetValue(key, out var old))
            {
                changes.Add(Line("added", fact.Kind, fact.Family, fact.Identity, null, fact.Value));
            }
            else if (old.Value != fact.Value)
            {
                changes.Add(Line("changed", fact.Kind, fact.Family, fact.Identity, old.Value, fact.Value));
            }
        }

        changes.AddRange(before.facts.Where(b => !after.facts.ContainsKey(b.Key))
            .Select(b => Line("removed", b.Value.Kind, b.Value.Family, b.Value.Identity, b.Value.Value, null)));
        return changes;
    }

    /// <summary>One change as text; the product's changes are put in the same form, label names and values as they are.</summary>
    public static string Line(string change, string kind, string family, IEnumerable<(string Name, string Value)> labels, string? old, string? now) =>
        $"{change} {kind} {Key(family, labels)}: {old ?? "(absent)"} -> {now ?? "(absent)"}";

    private static string Key(string family, IEnumerable<(string Name, string Value)> labels) =>
        family + "{" + string.Join(',', labels.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => $"{l.Name}={Quote(l.Value)}")) + "}";

    /// <summary>
    /// A value as a change reports it (CapabilityChange.Old/New): the number, or the value labels as name="value" in the
    /// family's label order, followed by the number unless it is 1.
    /// </summary>
    private static string Describe(double number, (string Name, string Value)[] values)
    {
        var text = number.ToString(CultureInfo.InvariantCulture);
        if (values.Length == 0)
        {
            return text;
        }

        var labels = string.Join(',', values.Select(v => $"{v.Name}={Quote(v.Value)}"));
        return number == 1 ? labels : labels + " " + text;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
