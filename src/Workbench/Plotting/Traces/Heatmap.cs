namespace Workbench.Plotting;

/// <summary>plotly's <c>heatmap</c> trace: z[row][column] drawn as coloured cells, row 0 at the bottom
/// (set the y axis <c>autorange</c> to "reversed" for image orientation).</summary>
public sealed class Heatmap : Trace
{
    public override string Type => "heatmap";

    /// <summary>Rows of values; NaN cells are drawn empty.</summary>
    public IReadOnlyList<DataArray>? Z { get; set; }

    /// <summary>Column coordinates or labels.</summary>
    public DataArray? X { get; set; }

    /// <summary>Row coordinates or labels.</summary>
    public DataArray? Y { get; set; }

    public ColorScale? ColorScale { get; set; }
    public double? ZMin { get; set; }
    public double? ZMax { get; set; }
    public bool? ShowScale { get; set; }
    public bool? ReverseScale { get; set; }
    public string? HoverTemplate { get; set; }

    /// <summary>A heatmap of a (rows, columns) matrix.</summary>
    public static Heatmap FromMatrix(double[,] z) => new() { Z = Rows(z, row => row) };

    /// <summary>A heatmap of a (rows, columns) matrix (floats keep their short JSON form).</summary>
    public static Heatmap FromMatrix(float[,] z) => new() { Z = Rows(z, row => row) };

    private static DataArray[] Rows<T>(T[,] z, Func<T[], DataArray> toArray)
    {
        var rows = new DataArray[z.GetLength(0)];
        for (int r = 0; r < rows.Length; r++)
        {
            var row = new T[z.GetLength(1)];
            for (int c = 0; c < row.Length; c++) row[c] = z[r, c];
            rows[r] = toArray(row);
        }
        return rows;
    }
}
