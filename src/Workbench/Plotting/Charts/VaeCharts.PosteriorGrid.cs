namespace Workbench.Plotting.Charts;

public static partial class VaeCharts
{
    /// <summary>
    /// Densities over a two-dimensional latent as a grid of heatmaps: one row per image, one column per panel
    /// title, each panel scaled to its own maximum (white 0, dark the peak) with equal axes.
    /// </summary>
    /// <param name="axis">Cell centres along both latent axes.</param>
    /// <param name="panels">[row][column] densities, each [z1 index, z0 index].</param>
    /// <param name="titles">Panel titles in row-major order.</param>
    public static Figure DensityGrid(double[] axis, double[][][,] panels, IReadOnlyList<string> titles, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(axis);
        ArgumentNullException.ThrowIfNull(panels);
        int rows = panels.Length, columns = rows == 0 ? 0 : panels[0].Length;
        if (rows == 0 || columns == 0 || panels.Any(r => r.Length != columns))
            throw new ArgumentException("DensityGrid needs a non-empty rectangular array of panels.", nameof(panels));
        if (panels.SelectMany(r => r).Any(p => p.GetLength(0) != axis.Length || p.GetLength(1) != axis.Length))
            throw new ArgumentException($"Every panel must be {axis.Length}×{axis.Length}, one value per pair of axis points.", nameof(panels));
        var grid = Subplots.Grid(rows, columns, titles, horizontalSpacing: 0.12 / columns, verticalSpacing: 0.25 / rows);
        for (int row = 0; row < rows; row++)
            for (int column = 0; column < columns; column++)
            {
                var density = panels[row][column];
                double peak = 0;
                foreach (var value in density) peak = Math.Max(peak, value);
                var heatmap = Heatmap.FromMatrix(density);
                heatmap.X = axis;
                heatmap.Y = axis;
                heatmap.ColorScale = ColorScale.FromStops((0, "#ffffff"), (1, "#08306b"));
                heatmap.ZMin = 0;
                heatmap.ZMax = peak > 0 ? peak : 1;
                heatmap.ShowScale = false;
                heatmap.HoverTemplate = "z0 %{x:.2f}, z1 %{y:.2f}: %{z:.3g}<extra></extra>";
                grid.Add(heatmap, row + 1, column + 1);
                grid.YAxis(row + 1, column + 1).ScaleAnchor = Layout.AxisId('x', row * columns + column + 1); // equal scale on z0 and z1
            }
        return Finish(grid.Figure, title, 150 + 190 * columns, 120 + 200 * rows);
    }
}
