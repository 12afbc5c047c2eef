namespace Workbench.Plotting;

/// <summary>A figure laid out by <see cref="Subplots.Grid"/>, addressed by (row, column), both 1-based.</summary>
public sealed class SubplotGrid
{
    internal SubplotGrid(Figure figure, int rows, int columns)
    {
        Figure = figure;
        Rows = rows;
        Columns = columns;
    }

    public Figure Figure { get; }
    public int Rows { get; }
    public int Columns { get; }

    /// <summary>Adds <paramref name="trace"/> to cell (row, column) by pointing its axis refs there.</summary>
    public T Add<T>(T trace, int row, int column) where T : Trace
    {
        int k = Index(row, column);
        trace.XAxis = Layout.AxisId('x', k);
        trace.YAxis = Layout.AxisId('y', k);
        Figure.Add(trace);
        return trace;
    }

    /// <summary>The x axis of cell (row, column), e.g. to set its title.</summary>
    public Axis XAxis(int row, int column) => Figure.Layout.XAxis(Index(row, column));

    /// <summary>The y axis of cell (row, column).</summary>
    public Axis YAxis(int row, int column) => Figure.Layout.YAxis(Index(row, column));

    private int Index(int row, int column)
    {
        if (row < 1 || row > Rows || column < 1 || column > Columns)
            throw new ArgumentOutOfRangeException(nameof(row), $"Cell ({row}, {column}) is outside the {Rows}×{Columns} grid (1-based).");
        return (row - 1) * Columns + column;
    }
}
