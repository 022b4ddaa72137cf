namespace Libvirt.Capabilities.Exporter.Tests.Oracle;

internal static class OracleAssert
{
    /// <summary>The reported changes are the expected ones, each exactly once; a failure lists what differs, not just where.</summary>
    public static void SameChanges(IEnumerable<string> expected, IEnumerable<string> reported)
    {
        var (want, got) = (expected.Order(StringComparer.Ordinal).ToList(), reported.Order(StringComparer.Ordinal).ToList());
        if (want.SequenceEqual(got))
        {
            return;
        }

        var missing = want.ToList();
        var unexpected = new List<string>();
        foreach (var line in got)
        {
            if (!missing.Remove(line))
            {
                unexpected.Add(line);
            }
        }

        Assert.Fail($"{want.Count} changes expected, {got.Count} reported.\nNot reported:\n  {string.Join("\n  ", missing)}\nReported but not expected:\n  {string.Join("\n  ", unexpected)}");
    }
}
