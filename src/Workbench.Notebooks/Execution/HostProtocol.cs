using System.Globalization;

namespace Workbench.Notebooks;

/// <summary>
/// The lines the kernel host writes to the runner, one message a line, each starting with
/// <see cref="Prefix"/>. They travel on the host's own channel (<see cref="HostChannel"/>), never on
/// its standard output, so nothing a cell or a process it starts prints can pass for one. Cell
/// outputs never travel this way: they go into the executed notebook.
/// <code>
/// ##workbench written                                  (the executed notebook file now exists)
/// ##workbench cell-start 4 2 5 var run = Lab.Train(…)   (cell index, code-cell ordinal, code cells, summary)
/// ##workbench cell-end 4 ok 1234                         (cell index, ok|failed|skipped, milliseconds)
/// ##workbench cell-end 4 ok 1234 12                      (… and how often each display was updated in place, comma-separated)
/// ##workbench failure cell 5: InvalidOperationException: boom
/// ##workbench refused Unknown parameter 'epoch' …        (the notebook cannot run; nothing was written)
/// ##workbench unwritable could not write /n/out.ipynb: No space left on device   (the run stopped; the file keeps its last complete copy)
/// ##workbench finished 0                                 (exit code; the notebook file is complete)
/// </code>
/// </summary>
internal static class HostProtocol
{
    public const string Prefix = "##workbench ";

    public static string CellStart(int cellIndex, int ordinal, int count, string summary) =>
        Line($"cell-start {cellIndex} {ordinal} {count} {OneLine(summary)}");

    public static string CellEnd(int cellIndex, CellState state, TimeSpan elapsed, IReadOnlyList<int>? displayUpdates = null) =>
        Line($"cell-end {cellIndex} {state.ToString().ToLowerInvariant()} {(long)elapsed.TotalMilliseconds}" +
            (displayUpdates is { Count: > 0 } ? " " + string.Join(',', displayUpdates.Select(n => n.ToString(CultureInfo.InvariantCulture))) : ""));

    public static string Written() => Line("written");

    public static string Failure(string description) => Line("failure " + OneLine(description));

    public static string Refused(string message) => Line("refused " + OneLine(message));

    public static string Unwritable(string message) => Line("unwritable " + OneLine(message));

    public static string Finished(int exitCode) => Line("finished " + exitCode.ToString(CultureInfo.InvariantCulture));

    /// <summary>Parses one line of host output; null when it is not a well-formed protocol line.</summary>
    public static HostMessage? Parse(string line)
    {
        if (!line.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var parts = line[Prefix.Length..].Split(' ', 2);
        var rest = parts.Length > 1 ? parts[1] : "";
        var fields = rest.Split(' ', 4);
        return parts[0] switch
        {
            "cell-start" when fields.Length >= 3 && Int(fields[0]) is { } index && Int(fields[1]) is { } ordinal && Int(fields[2]) is { } count =>
                new HostMessage.CellStarted(index, ordinal, count, fields.Length > 3 ? fields[3] : ""),
            "cell-end" when fields.Length >= 3 && Int(fields[0]) is { } index
                            && Enum.TryParse<CellState>(fields[1], ignoreCase: true, out var state) && Enum.IsDefined(state)
                            && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
                            && Counts(fields.Length > 3 ? fields[3] : null) is { } updates =>
                new HostMessage.CellEnded(index, state, TimeSpan.FromMilliseconds(milliseconds), updates),
            "written" => new HostMessage.Written(),
            "failure" => new HostMessage.CellFailed(rest),
            "refused" => new HostMessage.Refused(rest),
            "unwritable" => new HostMessage.Unwritable(rest),
            "finished" when Int(rest) is { } exitCode => new HostMessage.Finished(exitCode),
            _ => null,
        };
    }

    private static int? Int(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    // "12,3" → [12, 3]; none when absent; null when malformed.
    private static IReadOnlyList<int>? Counts(string? text)
    {
        if (text is null) return [];
        var counts = new List<int>();
        foreach (var part in text.Split(','))
        {
            if (Int(part) is not { } count) return null;
            counts.Add(count);
        }
        return counts;
    }

    private static string Line(string message) => Prefix + message;

    private static string OneLine(string text) => text.ReplaceLineEndings(" ⏎ ");
}

/// <summary>A message from the kernel host (see <see cref="HostProtocol"/>).</summary>
internal abstract record HostMessage
{
    public sealed record Written : HostMessage;
    public sealed record CellStarted(int CellIndex, int Ordinal, int Count, string Summary) : HostMessage;
    public sealed record CellEnded(int CellIndex, CellState State, TimeSpan Elapsed, IReadOnlyList<int> DisplayUpdates) : HostMessage;
    public sealed record CellFailed(string Description) : HostMessage;
    public sealed record Refused(string Message) : HostMessage;
    public sealed record Unwritable(string Message) : HostMessage;
    public sealed record Finished(int ExitCode) : HostMessage;
}
