using Libvirt.Capabilities.Exporter.Fleet;

namespace Libvirt.Capabilities.Exporter.Tests;

/// <summary>Blockers read from libvirt's VIR_ERR_CPU_INCOMPATIBLE messages, as libvirt 9.0 words them (captured with virsh).</summary>
public sealed class IncompatibilityMessageTests
{
    [Theory]
    [InlineData("the CPU is incompatible with host CPU: Host CPU does not provide required features: vme, x2apic, tsc-deadline, tsc_adjust, sse4.1, 3dnowprefetch", "vme x2apic tsc-deadline tsc_adjust sse4.1 3dnowprefetch")]
    [InlineData("the CPU is incompatible with host CPU: Host CPU provides forbidden features: hle, rtm", "hle rtm")]
    [InlineData("the CPU is incompatible with host CPU: Host CPU does not provide required features: avx512f", "avx512f")]
    [InlineData("the CPU is incompatible with host CPU: host CPU vendor does not match required CPU vendor AMD", "")]
    [InlineData("the CPU is incompatible with host CPU", "")]
    [InlineData("la CPU est incompatible : fonctionnalités requises absentes : avx2, pku", "")]
    [InlineData("Host CPU does not provide required features: avx, avx, le CPU (x), pku", "avx pku")]
    public void Names_exactly_the_listed_features(string message, string expected)
    {
        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), IncompatibilityMessage.Blockers(message));
    }
}
