using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// The subject alternative names of a certificate as Go lists them for <c>client_allowed_sans</c>: DNS names,
/// e-mail addresses, IP addresses (in their usual text form) and URIs.
/// </summary>
public static class SubjectAlternativeNames
{
    private const string ExtensionOid = "2.5.29.17";

    public static IEnumerable<string> Of(X509Certificate2 certificate)
    {
        var names = new List<string>();
        if (certificate.Extensions[ExtensionOid] is not { } extension)
        {
            return names;
        }

        try
        {
            var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                switch (tag.TagClass == TagClass.ContextSpecific ? tag.TagValue : -1)
                {
                    case 1 or 2 or 6: // rfc822Name, dNSName, uniformResourceIdentifier
                        names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                        break;
                    case 7: // iPAddress
                        names.Add(new IPAddress(sequence.ReadOctetString(tag)).ToString());
                        break;
                    default:
                        sequence.ReadEncodedValue();
                        break;
                }
            }
        }
        catch (Exception e) when (e is AsnContentException or ArgumentException)
        {
            // A malformed extension names nothing that could be allowed.
            return [];
        }

        return names;
    }
}
