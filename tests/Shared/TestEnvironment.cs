namespace Libvirt.Capabilities.TestSupport;

/// <summary>
/// Locates what tests need outside the repository and decides whether its absence skips or fails:
/// on a laptop a missing libvirtd or corpus skips; with LIBVIRT_EXPORTER_REQUIRE_LIBVIRT=1 (set by .ci/run)
/// it fails, so CI can never pass by skipping.
/// </summary>
public static class TestEnvironment
{
    public const string RequireVariable = "LIBVIRT_EXPORTER_REQUIRE_LIBVIRT";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>The repository root (the folder holding Exporter.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>../shared/libvirt-corpus beside the checkout, or LIBVIRT_CORPUS_DIR.</summary>
    public static string CorpusDirectory =>
        Environment.GetEnvironmentVariable("LIBVIRT_CORPUS_DIR")
        ?? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "libvirt-corpus"));

    /// <summary>Skips (laptop) or fails (CI) when a precondition is missing.</summary>
    public static void Require(bool available, string what)
    {
        if (available)
        {
            return;
        }

        if (Required)
        {
            Assert.Fail($"{what} is required ({RequireVariable}=1) but missing");
        }

        Assert.Skip($"{what} is missing; set it up with scripts/test.sh");
    }

    public static string RequireCorpus()
    {
        var dir = CorpusDirectory;
        Require(Directory.Exists(Path.Combine(dir, "domaincaps")), $"the libvirt corpus at {dir}");
        return dir;
    }

    public static IEnumerable<string> CorpusFiles(string subdirectory)
    {
        var dir = Path.Combine(CorpusDirectory, subdirectory);
        return Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "*.xml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!
            : [];
    }

    public static string ReadCorpusFile(string subdirectory, string name) =>
        File.ReadAllText(Path.Combine(RequireCorpus(), subdirectory, name));

    public static string FixturePath(params string[] parts) =>
        Path.Combine([RepositoryRoot, "tests", "fixtures", .. parts]);

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Exporter.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Exporter.sln not found above " + AppContext.BaseDirectory);
    }
}
