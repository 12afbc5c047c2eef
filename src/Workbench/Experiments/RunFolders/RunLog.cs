namespace Workbench.Experiments.RunFolders;

/// <summary>
/// <c>run.log</c> in a run folder: the console output of every process that ran the point (a Slurm task, or a
/// child of <c>workbench run --parallel</c>), appended, each attempt framed by a start line and an exit line.
/// <c>workbench status</c> reads the last exit line to tell an interrupted run from a failed one.
/// </summary>
public static class RunLog
{
    public const string FileName = "run.log";

    /// <summary>Opens every attempt: <c>== start: &lt;where&gt; ==</c>.</summary>
    public const string StartPrefix = "== start: ";

    /// <summary>Closes every attempt: <c>== exit &lt;code&gt; ==</c> (the script of a Slurm task writes it with echo).</summary>
    public const string ExitPrefix = "== exit ";

    public static string StartLine(string where) => $"{StartPrefix}{where} ==";

    public static string ExitLine(int exitCode) => $"{ExitPrefix}{exitCode} ==";

    /// <summary>The lines of the last attempt (from its start line), or all lines when none is marked.</summary>
    public static IReadOnlyList<string> LastAttempt(string path)
    {
        if (!File.Exists(path)) return [];
        var lines = File.ReadAllLines(path);
        int start = Array.FindLastIndex(lines, l => l.StartsWith(StartPrefix, StringComparison.Ordinal));
        return start < 0 ? lines : lines[start..];
    }

    /// <summary>The exit code that closes <paramref name="attempt"/>, or null when the process never wrote one (still running, or killed).</summary>
    public static int? ExitCode(IReadOnlyList<string> attempt)
    {
        for (int i = attempt.Count - 1; i >= 0; i--)
        {
            var line = attempt[i];
            if (!line.StartsWith(ExitPrefix, StringComparison.Ordinal)) continue;
            var code = line[ExitPrefix.Length..].TrimEnd('=', ' ');
            return int.TryParse(code, out int value) ? value : null;
        }
        return null;
    }
}
