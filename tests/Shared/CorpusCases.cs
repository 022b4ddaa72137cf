namespace Libvirt.Capabilities.TestSupport;

/// <summary>
/// Theory data: one case per corpus file. Without a corpus there is one placeholder case, whose test then
/// skips (laptop) or fails (CI) through <see cref="TestEnvironment.RequireCorpus"/>, instead of xunit
/// failing on an empty theory.
/// </summary>
public static class CorpusCases
{
    public const string Missing = "(corpus missing)";

    public static TheoryData<string> DomainCaps() => Cases("domaincaps");

    public static TheoryData<string> HostCaps() => Cases("hostcaps");

    private static TheoryData<string> Cases(string subdirectory)
    {
        var files = TestEnvironment.CorpusFiles(subdirectory).ToList();
        return files.Count > 0 ? new TheoryData<string>(files) : new TheoryData<string>(Missing);
    }
}
