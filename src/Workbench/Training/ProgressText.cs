using System.Globalization;

namespace Workbench.Training;

/// <summary>
/// The words of every training progress display (the console bar and the notebook's live view): one
/// unit, optimizer steps, for the counter and its percentage, and labelled times.
/// </summary>
public static class ProgressText
{
    /// <summary>"step 1200/4690  26%": the percentage is of the same steps as the counter, rounded down (100% only when done).</summary>
    public static string Steps(long step, long totalSteps) =>
        string.Create(CultureInfo.InvariantCulture, $"step {step}/{totalSteps}  {Percent(step, totalSteps)}%");

    /// <summary>Whole percent of <paramref name="totalSteps"/> done, rounded down, within 0..100.</summary>
    public static int Percent(long step, long totalSteps) =>
        totalSteps <= 0 ? 100 : (int)Math.Clamp(step * 100 / totalSteps, 0, 100);

    /// <summary>"elapsed 0:12  remaining 0:40"; "remaining –" while there is no estimate yet.</summary>
    public static string Times(TimeSpan elapsed, TimeSpan? remaining) =>
        $"elapsed {Duration(elapsed)}  remaining {(remaining is { } r ? Duration(r) : "–")}";

    /// <summary>m:ss below an hour ("0:07", "12:30"), h:mm:ss above ("1:02:03"); whole seconds, rounded down.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        long seconds = (long)span.TotalSeconds;
        return seconds >= 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:00}");
    }
}
