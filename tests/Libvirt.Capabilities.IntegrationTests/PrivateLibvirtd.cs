using System.Diagnostics;
using System.Globalization;
using Libvirt.Capabilities.TestSupport;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// A libvirtd of the test's own (scripts/private-libvirtd.sh), in its own mount namespace, that may be
/// killed, stopped or lose its socket: the shared libvirtd other tests use is never touched.
/// </summary>
public sealed class PrivateLibvirtd : IDisposable
{
    private static readonly string Script = Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "private-libvirtd.sh");

    private readonly int tcpPort;
    private readonly int tlsPort;

    /// <summary>Starts the daemon; with <paramref name="serverPki"/> (cacert.pem, servercert.pem, serverkey.pem) it also listens for TLS.</summary>
    public PrivateLibvirtd(int tcpPort, int tlsPort, string? serverPki = null)
    {
        this.tcpPort = tcpPort;
        this.tlsPort = tlsPort;
        Directory = System.IO.Directory.CreateTempSubdirectory("lce-private-libvirtd-").FullName;
        if (serverPki is not null)
        {
            System.IO.Directory.CreateSymbolicLink(Path.Combine(Directory, "pki"), serverPki);
        }

        try
        {
            Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Directory { get; }

    public string TcpUri => $"qemu+tcp://127.0.0.1:{tcpPort}/system";

    public int TlsPort => tlsPort;

    public string UnixSocket => Path.Combine(Directory, "sock", "libvirt-sock");

    public string UnixUri => $"qemu+unix:///system?socket={UnixSocket}";

    public int Pid => int.Parse(File.ReadAllText(Path.Combine(Directory, "libvirtd.pid")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>Starts the daemon (again) and waits until it answers on TCP and on its socket.</summary>
    public void Start()
    {
        var (code, output) = Run("start");
        TestEnvironment.Require(code == 0, $"a private libvirtd (scripts/private-libvirtd.sh start, as root): {output}");
    }

    public void Stop() => Assert.Equal(0, Run("stop").Code);

    /// <summary>Sends a signal (KILL, STOP, CONT, ...) to the daemon.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private (int Code, string Output) Run(string action)
    {
        var start = new ProcessStartInfo("bash", [Script, action, Directory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PRIVATE_LIBVIRTD_TCP_PORT"] = tcpPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["PRIVATE_LIBVIRTD_TLS_PORT"] = tlsPort.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    public void Dispose()
    {
        Run("stop");
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
