namespace Workbench.Plotting.Charts;

/// <summary>One panel of <see cref="VaeCharts.DensityGrid"/>: a density over two latent coordinates.</summary>
/// <param name="X">Cell centres along z0.</param>
/// <param name="Y">Cell centres along z1.</param>
/// <param name="Density">[z1 index, z0 index].</param>
public sealed record DensityPanel(string Title, double[] X, double[] Y, double[,] Density);

public static partial class VaeCharts
{
    /// <summary>
    /// Densities over a two-dimensional latent as a grid of heatmaps, <paramref name="columns"/> panels per row in the
    /// order given, each scaled to its own maximum (white 0, dark blue the peak) with equal scales on z0 and z1.
    /// </summary>
    public static Figure DensityGrid(IReadOnlyList<DensityPanel> panels, int columns, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0 || columns < 1 || panels.Count % columns != 0)
            throw new ArgumentException($"DensityGrid needs whole rows of {columns} panels; got {panels.Count}.", nameof(panels));
        foreach (var panel in panels)
            if (panel.Density.GetLength(0) != panel.Y.Length || panel.Density.GetLength(1) != panel.X.Length)
                throw new ArgumentException($"Panel '{panel.Title}': the density must be {panel.Y.Length}×{panel.X.Length} (z1 × z0).", nameof(panels));
        int rows = panels.Count / columns;
        var grid = Subplots.Grid(rows, columns, panels.Select(p => p.Title).ToArray(), horizontalSpacing: 0.25 / columns, verticalSpacing: 0.3 / rows);
        for (int k = 0; k < panels.Count; k++)
        {
            var panel = panels[k];
            double peak = 0;
            foreach (var value in panel.Density) peak = Math.Max(peak, value);
            var heatmap = Heatmap.FromMatrix(panel.Density);
            heatmap.X = panel.X;
            heatmap.Y = panel.Y;
            heatmap.ColorScale = ColorScale.FromStops((0, "#ffffff"), (1, "#08306b"));
            heatmap.ZMin = 0;
            heatmap.ZMax = peak > 0 ? peak : 1;
            heatmap.ShowScale = false;
            heatmap.HoverTemplate = "z0 %{x:.2f}, z1 %{y:.2f}: %{z:.3g}<extra></extra>";
            int row = k / columns + 1, column = k % columns + 1;
            grid.Add(heatmap, row, column);
            grid.YAxis(row, column).ScaleAnchor = Layout.AxisId('x', k + 1);                   // equal scale on z0 and z1
        }
        return Finish(grid.Figure, title, 120 + 230 * columns, 120 + 230 * rows);
    }
}
