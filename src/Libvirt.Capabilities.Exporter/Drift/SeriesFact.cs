using System.Globalization;
using System.Text;
using Libvirt.Capabilities.Exporter.Metrics;

namespace Libvirt.Capabilities.Exporter.Drift;

/// <summary>
/// One capability series reduced to what drift compares: family, labels without <c>target</c> (so facts of
/// different targets compare equal) and value. <see cref="Key"/> is <c>family{labels}</c>.
/// </summary>
public sealed record SeriesFact(string Family, string Labels, double Value)
{
    public string Key => Family + "{" + Labels + "}";

    public static SeriesFact From(Sample sample)
    {
        var labels = new StringBuilder();
        for (var i = 0; i < sample.LabelValues.Length; i++)
        {
            var name = sample.Family.LabelNames[i];
            if (name == "target")
            {
                continue;
            }

            if (labels.Length > 0)
            {
                labels.Append(',');
            }

            labels.Append(name).Append("=\"").Append(sample.LabelValues[i].Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
        }

        return new SeriesFact(sample.Family.Name, labels.ToString(), sample.Value);
    }

    public override string ToString() => Key + " " + Value.ToString(CultureInfo.InvariantCulture);
}
