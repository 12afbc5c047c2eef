namespace Workbench.Notebooks;

/// <summary>What a run did: the executed notebook and where, if anywhere, it stopped.</summary>
public sealed record NotebookRunResult(
    Notebook Notebook,
    int ExecutedCells,
    int? FailedCellNumber,
    string? Failure,
    TimeSpan Elapsed)
{
    public bool Succeeded => Failure is null;

    /// <summary>The CLI's exit code: 0 when every cell ran, 2 when a cell failed (or the kernel died or timed out).</summary>
    public int ExitCode => Succeeded ? 0 : 2;
}

/// <summary>Progress of one code cell, reported before and after it runs.</summary>
public sealed record CellProgress(int CellNumber, int CodeCellOrdinal, int CodeCellCount, string Summary, CellState State, TimeSpan Elapsed)
{
    /// <summary>
    /// When the cell has ended: for each display the cell updated in place (e.g. a live training view), how
    /// many updates it received, in the order the displays were first updated. The executed notebook keeps
    /// only each display's last state, as Jupyter does.
    /// </summary>
    public IReadOnlyList<int> DisplayUpdates { get; init; } = [];
}

public enum CellState { Running, Ok, Failed, Skipped }
