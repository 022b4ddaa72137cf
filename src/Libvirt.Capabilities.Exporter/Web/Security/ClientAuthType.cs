namespace Libvirt.Capabilities.Exporter.Web.Security;

/// <summary>
/// <c>client_auth_type</c>, with Go's crypto/tls meanings: whether a client certificate is asked for, whether it
/// must be sent, and whether it is verified against <c>client_ca_file</c> (or the system roots without one).
/// </summary>
public enum ClientAuthType
{
    NoClientCert,
    RequestClientCert,
    RequireAnyClientCert,
    VerifyClientCertIfGiven,
    RequireAndVerifyClientCert,
}

public static class ClientAuthTypes
{
    public const string Allowed = "NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert";

    /// <summary>Exact names as exporter-toolkit spells them; RequireClientCert is its old name of RequireAnyClientCert.</summary>
    public static ClientAuthType? Parse(string? text) => text switch
    {
        null or "" or "NoClientCert" => ClientAuthType.NoClientCert,
        "RequestClientCert" => ClientAuthType.RequestClientCert,
        "RequireAnyClientCert" or "RequireClientCert" => ClientAuthType.RequireAnyClientCert,
        "VerifyClientCertIfGiven" => ClientAuthType.VerifyClientCertIfGiven,
        "RequireAndVerifyClientCert" => ClientAuthType.RequireAndVerifyClientCert,
        _ => null,
    };

    public static bool Asks(this ClientAuthType type) => type != ClientAuthType.NoClientCert;

    public static bool Requires(this ClientAuthType type) =>
        type is ClientAuthType.RequireAnyClientCert or ClientAuthType.RequireAndVerifyClientCert;

    public static bool Verifies(this ClientAuthType type) =>
        type is ClientAuthType.VerifyClientCertIfGiven or ClientAuthType.RequireAndVerifyClientCert;
}
