namespace Workbench.Plotting;

/// <summary>Lays out a figure as a grid of subplots, like plotly's <c>make_subplots</c>.</summary>
public static class Subplots
{
    /// <summary>
    /// A figure with <paramref name="rows"/> × <paramref name="columns"/> axis pairs. Cell (row, column)
    /// (1-based, row 1 on top) is subplot k = (row−1)·columns + column and uses axes "x{k}"/"y{k}"
    /// ("x"/"y" for k = 1), each anchored to the other, with domains that tile the paper leaving
    /// the given gaps. Defaults follow make_subplots: 0.2/columns and 0.3/rows.
    /// </summary>
    /// <param name="titles">Optional subplot titles in row-major order, drawn above each cell.</param>
    /// <param name="sharedX">All x axes zoom together; only the bottom row keeps tick labels.</param>
    /// <param name="sharedY">All y axes zoom together; only the first column keeps tick labels.</param>
    public static SubplotGrid Grid(
        int rows,
        int columns,
        IReadOnlyList<string>? titles = null,
        double? horizontalSpacing = null,
        double? verticalSpacing = null,
        bool sharedX = false,
        bool sharedY = false)
    {
        if (rows < 1 || columns < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"A subplot grid needs at least one row and column, got {rows}×{columns}.");
        double hs = horizontalSpacing ?? 0.2 / columns;
        double vs = verticalSpacing ?? 0.3 / rows;
        if (hs < 0 || hs * (columns - 1) >= 1) throw new ArgumentOutOfRangeException(nameof(horizontalSpacing), hs, "Horizontal spacing leaves no room for the columns.");
        if (vs < 0 || vs * (rows - 1) >= 1) throw new ArgumentOutOfRangeException(nameof(verticalSpacing), vs, "Vertical spacing leaves no room for the rows.");
        if (titles is not null && titles.Count > rows * columns)
            throw new ArgumentException($"{titles.Count} subplot titles for {rows * columns} cells.", nameof(titles));

        var figure = new Figure();
        double cellWidth = (1 - hs * (columns - 1)) / columns;
        double cellHeight = (1 - vs * (rows - 1)) / rows;
        for (int row = 1; row <= rows; row++)
        {
            for (int column = 1; column <= columns; column++)
            {
                int k = (row - 1) * columns + column;
                double x0 = (column - 1) * (cellWidth + hs);
                double yTop = 1 - (row - 1) * (cellHeight + vs);
                var xAxis = figure.Layout.XAxis(k);
                var yAxis = figure.Layout.YAxis(k);
                xAxis.Domain = [Clamp01(x0), Clamp01(x0 + cellWidth)];
                yAxis.Domain = [Clamp01(yTop - cellHeight), Clamp01(yTop)];
                xAxis.Anchor = Layout.AxisId('y', k);
                yAxis.Anchor = Layout.AxisId('x', k);
                if (sharedX && k > 1) xAxis.Matches = "x";
                if (sharedX && row < rows) xAxis.ShowTickLabels = false;
                if (sharedY && k > 1) yAxis.Matches = "y";
                if (sharedY && column > 1) yAxis.ShowTickLabels = false;

                if (titles is not null && k <= titles.Count && !string.IsNullOrEmpty(titles[k - 1]))
                {
                    figure.Layout.Annotate(new Annotation
                    {
                        Text = titles[k - 1],
                        X = (xAxis.Domain[0] + xAxis.Domain[1]) / 2,
                        Y = yAxis.Domain[1],
                        XRef = "paper",
                        YRef = "paper",
                        XAnchor = "center",
                        YAnchor = "bottom",
                        ShowArrow = false,
                        Font = new Font { Size = 16 },
                    });
                }
            }
        }
        return new SubplotGrid(figure, rows, columns);
    }

    // Rounding in the domain arithmetic can leave 1.0000000000000002, which plotly rejects.
    private static double Clamp01(double v) => Math.Round(Math.Clamp(v, 0, 1), 12);
}
