using System.Security.Cryptography;
using System.Text;
using Libvirt.Capabilities.Exporter.Drift;
using Libvirt.Capabilities.Exporter.Metrics;

namespace Libvirt.Capabilities.Exporter.Collection;

/// <summary>
/// Content fingerprints, so Prometheus can group hosts with identical capabilities (count by fingerprint)
/// and alert when a cluster diverges. The target label is left out of the hash; host facts that differ
/// between otherwise identical hosts (UUID, memory, NUMA pages, caches) are left out of the host fingerprint.
/// </summary>
public static class FingerprintCollector
{
    public static readonly MetricFamily HostFingerprint = MetricFamily.Target(
        "libvirt_host_capabilities_fingerprint_info",
        "1, labelled with a hash of the host CPU, guest arches, machine types and host features (not UUID, memory or caches).",
        "fingerprint").NotDrift();

    public static readonly MetricFamily DomainCapsFingerprint = MetricFamily.DomainCaps(
        "libvirt_domcaps_fingerprint_info", "1, labelled with a hash of every capability series of this combination.", "fingerprint").NotDrift();

    private static readonly string[] HostFamiliesExcluded =
    [
        "libvirt_host_info", "libvirt_host_numa_", "libvirt_host_cache_", "libvirt_host_memory_bandwidth_", "libvirt_host_resource_monitor_",
    ];

    /// <summary>Appends fingerprint series computed from the capability samples already in the list.</summary>
    public static void Add(List<Sample> samples, string target)
    {
        var host = new List<string>();
        var combinations = new Dictionary<string, (string[] Labels, List<string> Lines)>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            var line = SeriesFact.Line(sample);
            if (sample.Family.LabelNames.Count >= MetricFamily.DomainCapsLabels.Count
                && sample.Family.LabelNames.Take(MetricFamily.DomainCapsLabels.Count).SequenceEqual(MetricFamily.DomainCapsLabels))
            {
                var labels = sample.LabelValues[..MetricFamily.DomainCapsLabels.Count];
                var key = string.Join('\u001f', labels);
                if (!combinations.TryGetValue(key, out var combination))
                {
                    combinations[key] = combination = (labels, []);
                }

                combination.Lines.Add(line);
            }
            else if (!HostFamiliesExcluded.Any(p => sample.Family.Name.StartsWith(p, StringComparison.Ordinal)))
            {
                host.Add(line);
            }
        }

        var sink = new SampleSink(samples, target);
        if (host.Count > 0)
        {
            sink.Add(HostFingerprint, 1, Hash(host));
        }

        foreach (var (labels, lines) in combinations.Values)
        {
            samples.Add(new Sample(DomainCapsFingerprint, [.. labels, Hash(lines)], 1));
        }
    }

    private static string Hash(List<string> lines)
    {
        lines.Sort(StringComparer.Ordinal);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        return Convert.ToHexStringLower(bytes)[..16];
    }
}
