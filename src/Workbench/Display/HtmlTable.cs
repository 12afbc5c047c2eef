using System.Globalization;
using System.Net;
using System.Text;

namespace Workbench.Display;

/// <summary>
/// A small table shown as HTML in a notebook: a header row, rows of cells, an optional caption.
/// Numbers are written with invariant culture; text is HTML-encoded. The building block of the
/// library's tabular displays (training history, run summaries, evaluations).
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<HtmlTable>), PreferredMimeTypes = ["text/html"])]
public sealed class HtmlTable : IHtmlDisplayable
{
    private readonly List<string[]> _rows = [];

    /// <param name="columns">Column headings.</param>
    /// <param name="caption">Shown above the table; null for none.</param>
    public HtmlTable(IReadOnlyList<string> columns, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("A table needs at least one column.", nameof(columns));
        Columns = columns.ToArray();
        Caption = caption;
    }

    public IReadOnlyList<string> Columns { get; }

    public string? Caption { get; }

    /// <summary>The rows added so far, as the text of their cells.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows => _rows;

    /// <summary>Adds a row; each cell is formatted with <see cref="Cell"/>. Returns the table.</summary>
    public HtmlTable AddRow(params object?[] cells)
    {
        if (cells.Length != Columns.Count)
            throw new ArgumentException($"A row of this table needs {Columns.Count} cells ({string.Join(", ", Columns)}), got {cells.Length}.", nameof(cells));
        _rows.Add(cells.Select(Cell).ToArray());
        return this;
    }

    /// <summary>
    /// A cell's text: "" for null; floating-point numbers in plain decimal notation, never with an exponent (up to 4
    /// decimals, 3 significant digits below 0.001 as in "0.0000127", no decimals from 100000 up); invariant culture.
    /// </summary>
    public static string Cell(object? value) => value switch
    {
        null => "",
        double d => FormatNumber(d),
        float f => FormatNumber(f),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string FormatNumber(double value)
    {
        if (double.IsNaN(value)) return "–";
        double magnitude = Math.Abs(value);
        if (magnitude >= 1e5) return value.ToString("0", CultureInfo.InvariantCulture);
        if (magnitude == 0 || magnitude >= 1e-3) return value.ToString("0.####", CultureInfo.InvariantCulture);
        int decimals = Math.Min(15, 2 - (int)Math.Floor(Math.Log10(magnitude))); // 3 significant digits
        return value.ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture);
    }

    public string ToHtml()
    {
        var html = new StringBuilder("<table class=\"workbench-table\" style=\"border-collapse: collapse; font-variant-numeric: tabular-nums;\">");
        if (Caption is not null) html.Append("<caption style=\"text-align: left; font-weight: bold;\">").Append(WebUtility.HtmlEncode(Caption)).Append("</caption>");
        html.Append("<thead><tr>");
        foreach (var column in Columns)
            html.Append("<th style=\"text-align: right; padding: 2px 8px; border-bottom: 1px solid #999;\">").Append(WebUtility.HtmlEncode(column)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in _rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td style=\"text-align: right; padding: 2px 8px;\">").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>Tab-separated text: the plain-text form.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (Caption is not null) text.Append(Caption).Append('\n');
        text.Append(string.Join('\t', Columns));
        foreach (var row in _rows) text.Append('\n').Append(string.Join('\t', row));
        return text.ToString();
    }
}
