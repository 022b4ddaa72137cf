namespace Libvirt.Capabilities.Exporter.Polling;

public sealed partial class TargetPoller
{
    [LoggerMessage(LogEvents.Connected, LogLevel.Information, "Connected to {Target} at {Uri} (read-only: {ReadOnly})")]
    private partial void LogConnected(string target, string uri, bool readOnly);

    [LoggerMessage(LogEvents.ConnectFailed, LogLevel.Warning, "Cannot connect to {Target} at {Uri}: libvirt error {LibvirtErrorCode}: {Error}")]
    private partial void LogConnectFailed(string target, string uri, int libvirtErrorCode, string error);

    [LoggerMessage(LogEvents.ConnectionLost, LogLevel.Warning, "Connection to {Target} at {Uri} is no longer alive; reconnecting")]
    private partial void LogConnectionLost(string target, string uri);

    [LoggerMessage(LogEvents.PollCompleted, LogLevel.Debug, "Polled {Target} in {DurationMs:0} ms: up {Up}, complete {Complete}, {Combinations} domain-capabilities combinations")]
    private partial void LogPollCompleted(string target, double durationMs, bool up, bool complete, int combinations);

    [LoggerMessage(LogEvents.PollStepFailed, LogLevel.Warning, "Poll of {Target} at {Uri}: {Stage} failed ({Reason}): {Error}")]
    private partial void LogPollStepFailed(string target, string uri, string stage, string reason, string error);

    [LoggerMessage(LogEvents.CapabilityChanged, LogLevel.Information, "Drift on {Target} ({Kind}): {Change} {Series}: was {OldValue}, now {NewValue}")]
    private partial void LogCapabilityChanged(string target, string kind, string change, string series, string oldValue, string newValue);

    [LoggerMessage(LogEvents.BaselineLoaded, LogLevel.Information, "Loaded the persisted snapshot of {Target} from {SavedAt:o} ({Facts} facts); drift since then is reported after the first poll")]
    private partial void LogBaselineLoaded(string target, DateTimeOffset savedAt, int facts);

    [LoggerMessage(LogEvents.StateUnreadable, LogLevel.Warning, "Persisted state of {Target} is unusable and was set aside: {Problem}")]
    private partial void LogStateUnreadable(string target, string problem);

    [LoggerMessage(LogEvents.StateNotSaved, LogLevel.Error, "Cannot persist the snapshot of {Target}: {Error}")]
    private partial void LogStateNotSaved(string target, string error);

    [LoggerMessage(LogEvents.LoopCrashed, LogLevel.Error, "Unexpected error in the polling loop of {Target}; retrying after backoff")]
    private partial void LogLoopCrashed(string target, Exception exception);
}
