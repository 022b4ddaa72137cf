namespace Libvirt.Capabilities.Exporter.Polling;

/// <summary>A libvirt call overran its deadline; <see cref="Stage"/> says where it hung (connect, identity, host, domain).</summary>
public sealed class StepTimeoutException(string stage, string message) : TimeoutException(message)
{
    public string Stage { get; } = stage;
}
