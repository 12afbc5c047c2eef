namespace Workbench.Plotting;

/// <summary>
/// plotly's own <c>layout.grid</c> (rows × columns of axes laid out by plotly.js). An alternative to
/// the explicit domains <see cref="Subplots.Grid"/> writes; useful when traces already carry axis refs.
/// </summary>
public sealed class LayoutGrid
{
    public int? Rows { get; set; }
    public int? Columns { get; set; }

    /// <summary>"independent" (one x/y pair per cell) or "coupled" (shared x per column, y per row).</summary>
    public string? Pattern { get; set; }

    /// <summary>"top to bottom" or "bottom to top".</summary>
    public string? RowOrder { get; set; }
}
