namespace Workbench.Cli.Benchmarks;

/// <summary>
/// The load average the benchmarks print beside their figures: on a shared machine other processes take
/// cores from a multi-threaded run more than from a single-threaded peer, so a ratio means most on a quiet machine.
/// </summary>
internal static class MachineLoad
{
    /// <summary>Above this 1-minute load average (on any machine) the benchmarks say the figures are from a busy machine.</summary>
    internal const double QuietBelow = 1.5;

    /// <summary>
    /// "load average 0.42 0.51 0.60 (1, 5, 15 min)", plus a warning when the machine is busy; "unknown" off Linux.
    /// After a run (<paramref name="afterOwnWork"/>) the average includes the run's own threads, so it is
    /// only reported, with that said, and not judged.
    /// </summary>
    public static string Describe(bool afterOwnWork = false)
    {
        if (!File.Exists("/proc/loadavg")) return "load average unknown";
        var fields = File.ReadAllText("/proc/loadavg").Split(' ');
        string text = $"load average {string.Join(' ', fields.Take(3))} (1, 5, 15 min)";
        if (afterOwnWork) return text + ", this run's own threads included";
        bool busy = double.TryParse(fields[0], System.Globalization.CultureInfo.InvariantCulture, out double oneMinute) && oneMinute >= QuietBelow;
        return busy ? text + $": busy machine (≥ {QuietBelow}), times and ratios are not those of a quiet one" : text;
    }
}
