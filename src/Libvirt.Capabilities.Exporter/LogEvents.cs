namespace Libvirt.Capabilities.Exporter;

/// <summary>Every log event id of the exporter, in one place so they stay unique and stable.</summary>
public static class LogEvents
{
    public const int EffectiveConfiguration = 1;
    public const int Listening = 2;
    public const int Reloaded = 3;
    public const int ReloadRejected = 4;
    public const int ReloadNeedsRestart = 5;
    public const int Connected = 10;
    public const int ConnectFailed = 11;
    public const int ConnectionLost = 12;
    public const int PollCompleted = 20;
    public const int PollFailed = 21;
    public const int PollStepFailed = 22;
    public const int CapabilityChanged = 30;
    public const int BaselineLoaded = 31;
    public const int StateUnreadable = 40;
    public const int StateNotSaved = 41;
    public const int LoopCrashed = 50;
    public const int RenderFailed = 51;
    public const int WebConfigLoaded = 60;
    public const int TlsCertificateReloaded = 61;
    public const int TlsCertificateReloadFailed = 62;
    public const int WebConfigReloaded = 63;
    public const int WebConfigReloadFailed = 64;
    public const int FleetRoundFailed = 70;
    public const int FleetDestinationFailed = 71;
    public const int FleetBaselineFailed = 72;
}
