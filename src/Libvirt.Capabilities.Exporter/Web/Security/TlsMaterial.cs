using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// What a TLS handshake needs from files: the server certificate with its chain and key, and the CAs that
/// client certificates are verified against (empty: the system roots, as Go does without client_ca_file).
/// </summary>
public sealed record TlsMaterial(SslStreamCertificateContext Certificate, X509Certificate2Collection ClientCas)
{
    public static TlsMaterial Load(TlsServerConfig config) =>
        new(LoadCertificate(config.Certificate, config.Key), config.ClientCa is null ? [] : LoadClientCas(config.ClientCa));

    /// <summary>The first certificate of cert_file is the server's; those after it are sent as its chain.</summary>
    private static SslStreamCertificateContext LoadCertificate(PemSource certificate, PemSource key)
    {
        var certificatePem = Read(certificate, "cert");
        var keyPem = Read(key, "key");
        X509Certificate2 leaf;
        var chain = new X509Certificate2Collection();
        try
        {
            leaf = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            chain.ImportFromPem(certificatePem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: a key that is not the certificate's; its message names the parameter, so it is cut.
            throw new WebConfigException($"{certificate.Describe("cert")} and {key.Describe("key")} are not a PEM certificate and its private key: {e.Message.Split(" (Parameter")[0]}");
        }

        chain.RemoveAt(0);
        return SslStreamCertificateContext.Create(leaf, chain, offline: true);
    }

    private static X509Certificate2Collection LoadClientCas(PemSource source)
    {
        var cas = new X509Certificate2Collection();
        try
        {
            cas.ImportFromPem(Read(source, "client_ca"));
        }
        catch (CryptographicException e)
        {
            throw new WebConfigException($"{source.Describe("client_ca")} is not valid PEM: {e.Message}");
        }

        return cas.Count > 0 ? cas : throw new WebConfigException($"{source.Describe("client_ca")} holds no PEM certificate");
    }

    private static string Read(PemSource source, string key)
    {
        if (source.Path is null)
        {
            return source.Inline!;
        }

        try
        {
            return File.ReadAllText(source.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WebConfigException($"cannot read {source.Describe(key)}: {e.Message}");
        }
    }
}
