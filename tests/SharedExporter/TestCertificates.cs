using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Libvirt.Capabilities.TestSupport;

/// <summary>
/// A throw-away CA with a server certificate (for 127.0.0.1 and localhost) and a client certificate (named
/// prometheus.test, prometheus@test, spiffe://test/prometheus and 2001:db8::1), written as PEM files into a
/// folder: ca.crt, server.crt, server.key, client.crt, client.key.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 ca;

    public TestCertificates(string? directory = null)
    {
        Directory = directory ?? System.IO.Directory.CreateTempSubdirectory("lce-tls-").FullName;
        ca = CreateCa("lce test CA");
        File.WriteAllText(Path("ca.crt"), ca.ExportCertificatePem());
        IssueServer("lce test server 1");
        Issue("prometheus", server: false, "client");
    }

    public string Directory { get; }

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>Writes a new server.crt and server.key and returns the certificate's serial number.</summary>
    public string IssueServer(string commonName) => Issue(commonName, server: true, "server").SerialNumber;

    /// <summary>A certificate from another CA: valid in form, trusted by nobody here.</summary>
    public void IssueUntrustedClient(string prefix)
    {
        using var other = CreateCa("someone else's CA");
        using var certificate = Sign(other, "intruder", server: false);
        WritePair(certificate, prefix);
    }

    public void Dispose()
    {
        ca.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private X509Certificate2 Issue(string commonName, bool server, string prefix)
    {
        var certificate = Sign(ca, commonName, server);
        WritePair(certificate, prefix);
        return certificate;
    }

    private void WritePair(X509Certificate2 certificate, string prefix)
    {
        // Written to temporary names and renamed, as certificate rotation tools do.
        File.WriteAllText(Path(prefix + ".key.tmp"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path(prefix + ".crt.tmp"), certificate.ExportCertificatePem());
        File.Move(Path(prefix + ".key.tmp"), Path(prefix + ".key"), overwrite: true);
        File.Move(Path(prefix + ".crt.tmp"), Path(prefix + ".crt"), overwrite: true);
    }

    private static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 Sign(X509Certificate2 issuer, string commonName, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        if (server)
        {
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
        }
        else
        {
            names.AddDnsName("prometheus.test");
            names.AddEmailAddress("prometheus@test");
            names.AddUri(new Uri("spiffe://test/prometheus"));
            names.AddIpAddress(IPAddress.Parse("2001:db8::1"));
        }

        request.CertificateExtensions.Add(names.Build());

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var signed = request.Create(issuer, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
        return signed.CopyWithPrivateKey(key);
    }
}
