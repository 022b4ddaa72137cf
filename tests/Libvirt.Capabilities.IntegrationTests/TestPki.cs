using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// A throw-away CA with a server and a client certificate, laid out as libvirt expects (docs: "TLS x509
/// certificates"): the server's files go to libvirtd.conf (ca_file, cert_file, key_file), the client's to a
/// directory given as <c>?pkipath=</c> (cacert.pem, clientcert.pem, clientkey.pem). libvirt checks the
/// extensions, so each certificate carries the ones it requires: CA basic constraints and keyCertSign,
/// serverAuth / clientAuth key purposes, and the server's address (127.0.0.1) as a subject alternative name.
/// </summary>
public sealed class TestPki
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private TestPki(string serverDirectory, string clientDirectory)
    {
        ServerDirectory = serverDirectory;
        ClientDirectory = clientDirectory;
    }

    /// <summary>cacert.pem, servercert.pem, serverkey.pem.</summary>
    public string ServerDirectory { get; }

    /// <summary>cacert.pem, clientcert.pem, clientkey.pem.</summary>
    public string ClientDirectory { get; }

    public static TestPki Create(string directory)
    {
        var server = Directory.CreateDirectory(Path.Combine(directory, "server")).FullName;
        var client = Directory.CreateDirectory(Path.Combine(directory, "client")).FullName;
        using var caKey = RSA.Create(2048);
        using var ca = Authority(caKey, "CN=lce test CA");

        using var serverKey = RSA.Create(2048);
        var serverNames = new SubjectAlternativeNameBuilder();
        serverNames.AddIpAddress(IPAddress.Loopback);
        serverNames.AddDnsName("localhost");
        using var serverCert = Leaf(ca, serverKey, "CN=127.0.0.1", ServerAuth, serverNames);
        using var clientKey = RSA.Create(2048);
        using var clientCert = Leaf(ca, clientKey, "CN=lce test client,O=libvirt-capabilities-exporter", ClientAuth, null);

        File.WriteAllText(Path.Combine(server, "cacert.pem"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(server, "servercert.pem"), serverCert.ExportCertificatePem());
        WriteKey(Path.Combine(server, "serverkey.pem"), serverKey);
        File.WriteAllText(Path.Combine(client, "cacert.pem"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(client, "clientcert.pem"), clientCert.ExportCertificatePem());
        WriteKey(Path.Combine(client, "clientkey.pem"), clientKey);
        return new TestPki(server, client);
    }

    private static X509Certificate2 Authority(RSA key, string subject)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Leaf(X509Certificate2 ca, RSA key, string subject, string purpose, SubjectAlternativeNameBuilder? names)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(purpose)], false));
        if (names is not null)
        {
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // A positive serial number.
        return request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), serial);
    }

    /// <summary>PKCS#1 PEM, which every GnuTLS reads; the directory (a temporary one, mode 0700) keeps it private.</summary>
    private static void WriteKey(string path, RSA key) => File.WriteAllText(path, key.ExportRSAPrivateKeyPem());
}
