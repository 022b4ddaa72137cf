using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// Decides a client certificate the way exporter-toolkit does for each <see cref="ClientAuthType"/>: whether a
/// missing one is acceptable, whether a given one must chain to a client CA and allow client authentication,
/// and whether it must name one of <c>client_allowed_sans</c>.
/// </summary>
public static class ClientCertificateValidator
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public static bool Accept(TlsServerConfig config, X509Certificate? certificate, X509Chain? presented, X509Certificate2Collection clientCas)
    {
        if (certificate is null)
        {
            return !config.ClientAuth.Requires();
        }

        var client = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (config.ClientAllowedSans.Count > 0 && !SubjectAlternativeNames.Of(client).Any(config.ClientAllowedSans.Contains))
        {
            return false;
        }

        return !config.ClientAuth.Verifies() || Chains(client, presented, clientCas);
    }

    private static bool Chains(X509Certificate2 certificate, X509Chain? presented, X509Certificate2Collection clientCas)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        if (clientCas.Count > 0)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(clientCas);
        }

        // Intermediates the client sent with its certificate may complete the chain.
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }
}
