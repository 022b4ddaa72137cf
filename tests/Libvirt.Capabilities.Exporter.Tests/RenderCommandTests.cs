using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>Bad input to <c>render</c>: one line naming the file, exit code 1, nothing on stdout.</summary>
public sealed class RenderCommandTests
{
    [Fact]
    public void Missing_file_is_named_in_one_line()
    {
        var result = RenderRunner.Run("--domcaps", "/nonexistent/domcaps.xml");
        RenderRunner.AssertOneLineError(result, "/nonexistent/domcaps.xml: cannot read");
    }

    [Fact]
    public void Malformed_file_is_named_in_one_line()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "<domainCapabilities><domain>kvm</dom");
        try
        {
            var result = RenderRunner.Run("--capabilities", TestEnvironment.FixturePath("debian12-libvirt9.0-qemu7.2", "hostcaps.xml"), "--domcaps", path);
            RenderRunner.AssertOneLineError(result, path + ": malformed XML");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Huge_file_is_refused_before_it_is_read()
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var file = File.OpenWrite(path))
            {
                file.SetLength(300L * 1024 * 1024); // Sparse: no disk space used.
            }

            var result = RenderRunner.Run("--domcaps", path);
            RenderRunner.AssertOneLineError(result, path + ": 314572800 bytes is above the limit of 268435456");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Wrong_document_kind_is_reported()
    {
        var result = RenderRunner.Run("--domcaps", TestEnvironment.FixturePath("debian12-libvirt9.0-qemu7.2", "hostcaps.xml"));
        RenderRunner.AssertOneLineError(result, "expected root element <domainCapabilities>, found <capabilities>");
    }

    [Fact]
    public void No_source_is_an_error()
    {
        var result = RenderRunner.Run();
        RenderRunner.AssertOneLineError(result, "render needs --uri URI");
    }

    [Fact]
    public void Uri_and_files_together_are_an_error()
    {
        var result = RenderRunner.Run("--uri", "test:///default", "--domcaps", "x.xml");
        RenderRunner.AssertOneLineError(result, "either --uri or");
    }

    [Fact]
    public void Target_label_is_applied_to_every_series()
    {
        var result = RenderRunner.Run("--domcaps", TestEnvironment.FixturePath("debian12-libvirt9.0-qemu7.2", "domcaps-x86_64-kvm-q35.xml"), "--target", "hv-17");
        Assert.Equal(0, result.ExitCode);
        Assert.All(RenderRunner.SeriesLines(result.Stdout), line => Assert.Contains("target=\"hv-17\"", line, StringComparison.Ordinal));
    }
}
