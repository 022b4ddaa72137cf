using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Libvirt.Capabilities.Exporter.Metrics;

namespace Libvirt.Capabilities.Exporter.Drift;

/// <summary>
/// One capability series reduced to what drift compares. Its identity is the family and the labels that name
/// the fact, without <c>target</c> (so facts of different targets compare equal) and without the family's value
/// labels; its value is the number plus the value labels (the machine an alias resolves to, a feature's
/// policy), so a new value of either is one change.
/// </summary>
public sealed class SeriesFact
{
    private string? key;

    public required string Family { get; init; }

    /// <summary>capability or capacity (see <see cref="DriftKind"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>The identifying labels, in the family's order.</summary>
    public required Dictionary<string, string> Labels { get; init; }

    /// <summary>The value labels as <c>name="value"</c> pairs, empty when the family has none.</summary>
    public string Attributes { get; init; } = "";

    public double Value { get; init; }

    /// <summary><c>family{labels}</c>: what a fact is matched by across polls.</summary>
    [JsonIgnore]
    public string Key => key ??= Family + "{" + Render(Labels) + "}";

    /// <summary>The value as a change reports it: the number, or the value labels (with the number unless it is 1).</summary>
    public string Describe()
    {
        var number = Value.ToString(CultureInfo.InvariantCulture);
        return Attributes.Length == 0 ? number : Value == 1 ? Attributes : Attributes + " " + number;
    }

    /// <summary>True when both facts say the same.</summary>
    public bool SameValue(SeriesFact other) => Value.Equals(other.Value) && Attributes == other.Attributes;

    public static SeriesFact From(Sample sample)
    {
        var family = sample.Family;
        var labels = new Dictionary<string, string>(sample.LabelValues.Length, StringComparer.Ordinal);
        var attributes = new StringBuilder();
        for (var i = 0; i < sample.LabelValues.Length; i++)
        {
            var name = family.LabelNames[i];
            if (name == "target")
            {
                continue;
            }

            if (family.ValueLabels.Contains(name))
            {
                Append(attributes, 0, name, sample.LabelValues[i]);
            }
            else
            {
                labels[name] = sample.LabelValues[i];
            }
        }

        return new SeriesFact
        {
            Family = family.Name,
            Kind = family.Drift == DriftKind.Capacity ? DriftDetector.Capacity : DriftDetector.Capability,
            Labels = labels,
            Attributes = attributes.ToString(),
            Value = sample.Value,
        };
    }

    /// <summary>
    /// Everything the fact of <paramref name="sample"/> says, one line: what fingerprints hash. Written straight
    /// from the sample: fingerprints cover every sample, and building each fact for them would build it twice.
    /// </summary>
    public static string Line(Sample sample)
    {
        var family = sample.Family;
        var text = new StringBuilder(family.Name.Length + 16 * sample.LabelValues.Length).Append(family.Name).Append('{');
        var start = text.Length;
        for (var i = 0; i < sample.LabelValues.Length; i++)
        {
            var name = family.LabelNames[i];
            if (name != "target" && !family.ValueLabels.Contains(name))
            {
                Append(text, start, name, sample.LabelValues[i]);
            }
        }

        text.Append('}');
        if (family.ValueLabels.Count > 0)
        {
            start = text.Append('{').Length;
            for (var i = 0; i < sample.LabelValues.Length; i++)
            {
                if (family.ValueLabels.Contains(family.LabelNames[i]))
                {
                    Append(text, start, family.LabelNames[i], sample.LabelValues[i]);
                }
            }

            text.Append('}');
        }

        return text.Append(' ').Append(sample.Value.ToString(CultureInfo.InvariantCulture)).ToString();
    }

    private static string Render(Dictionary<string, string> labels)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in labels)
        {
            Append(text, 0, name, value);
        }

        return text.ToString();
    }

    /// <summary>Appends <c>name="value"</c>, after a comma unless it is the first pair since <paramref name="start"/>.</summary>
    private static void Append(StringBuilder text, int start, string name, string value)
    {
        if (text.Length > start)
        {
            text.Append(',');
        }

        text.Append(name).Append("=\"").Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
    }
}
