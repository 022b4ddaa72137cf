using Libvirt.Capabilities.Exporter.Cli;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>Bad input to <c>render</c>: one line naming the file, exit code 1, nothing on stdout.</summary>
public sealed class RenderCommandTests
{
    [Fact]
    public void Missing_file_is_named_in_one_line()
    {
        var result = RenderRunner.Run("--domcaps", "/nonexistent/domcaps.xml");
        RenderRunner.AssertOneLineError(result, "/nonexistent/domcaps.xml: no such file");
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
                file.SetLength(CapabilitiesFile.MaxBytes + 1); // Sparse: no disk space used.
            }

            var result = RenderRunner.Run("--domcaps", path);
            RenderRunner.AssertOneLineError(result, $"{path}: {CapabilitiesFile.MaxBytes + 1} bytes is above the limit of {16 * 1024 * 1024 * 4}");
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

    [Theory]
    [InlineData("/dev/zero", "a character device")]
    [InlineData("/tmp", "a directory")]
    public void Special_files_are_refused_without_reading_them(string path, string kind)
    {
        var result = RenderRunner.Run("--domcaps", path);
        RenderRunner.AssertOneLineError(result, $"{path}: not a regular file ({kind})");
    }

    [Fact]
    public void A_fifo_is_refused_instead_of_hanging()
    {
        var path = Path.Combine(Path.GetTempPath(), $"render-fifo-{Guid.NewGuid():N}");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", path))
        {
            mkfifo.WaitForExit();
        }

        try
        {
            var result = RenderRunner.Run("--capabilities", path);
            RenderRunner.AssertOneLineError(result, $"{path}: not a regular file (a FIFO)");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Invalid_utf8_is_malformed_not_replaced()
    {
        var path = Path.GetTempFileName();
        var xml = File.ReadAllBytes(TestEnvironment.FixturePath("debian12-libvirt9.0-qemu7.2", "domcaps-x86_64-kvm-q35.xml"));
        var arch = System.Text.Encoding.ASCII.GetBytes("<arch>x86_64</arch>");
        var at = xml.AsSpan().IndexOf(arch) + "<arch>x86_".Length;
        File.WriteAllBytes(path, [.. xml[..at], 0xC3, 0x28, .. xml[at..]]); // 0xC3 0x28: an invalid two-byte sequence.
        try
        {
            var result = RenderRunner.Run("--domcaps", path);
            RenderRunner.AssertOneLineError(result, $"{path}: malformed XML: not valid UTF-8");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
