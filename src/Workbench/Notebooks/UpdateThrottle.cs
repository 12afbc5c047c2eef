namespace Workbench.Notebooks;

/// <summary>
/// Decides when a live display is redrawn: at most once per <see cref="Interval"/> for routine
/// progress (a training step), always for what must not be missed (an epoch's end, the end of the run).
/// Checking costs a clock read and a comparison, so it can sit on every optimizer step.
/// </summary>
internal sealed class UpdateThrottle(TimeSpan interval)
{
    private TimeSpan? _last;

    public TimeSpan Interval { get; } = interval > TimeSpan.Zero ? interval : throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must be positive.");

    /// <summary>Whether a routine update at <paramref name="now"/> is due; when it is, it counts as done.</summary>
    public bool TryTake(TimeSpan now)
    {
        if (_last is { } last && now - last < Interval) return false;
        _last = now;
        return true;
    }

    /// <summary>Records an update made regardless of the interval (it restarts the interval).</summary>
    public void Forced(TimeSpan now) => _last = now;
}
