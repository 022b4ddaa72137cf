using Microsoft.Extensions.Time.Testing;

namespace Libvirt.Capabilities.Exporter.Tests.Fakes;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that records the due time of every timer created on it: Task.Delay on a
/// TimeProvider creates one, so the waits a polling loop asks for can be read back exactly.
/// </summary>
public sealed class RecordingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero))
{
    private readonly List<TimeSpan> dueTimes = [];

    public IReadOnlyList<TimeSpan> DueTimes
    {
        get
        {
            lock (dueTimes)
            {
                return [.. dueTimes];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (dueTimes)
        {
            dueTimes.Add(dueTime);
        }

        return base.CreateTimer(callback, state, dueTime, period);
    }
}
