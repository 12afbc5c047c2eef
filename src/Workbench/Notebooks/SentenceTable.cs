using System.Net;
using System.Text;
using Workbench.Display;

namespace Workbench.Notebooks;

/// <summary>
/// Sentences shown as a table: text left-aligned (numbers right-aligned), an optional caption, and rows that can be
/// marked (bold on a tinted background), e.g. the two ends of a homotopy. The same <c>workbench-table</c> markup as
/// <see cref="HtmlTable"/>.
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<SentenceTable>), PreferredMimeTypes = ["text/html"])]
public sealed class SentenceTable : IHtmlDisplayable
{
    private readonly List<(string[] Cells, bool Marked)> _rows = [];

    /// <param name="columns">Column headings.</param>
    /// <param name="caption">Shown above the table; null for none.</param>
    public SentenceTable(IReadOnlyList<string> columns, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("A table needs at least one column.", nameof(columns));
        Columns = columns.ToArray();
        Caption = caption;
    }

    public IReadOnlyList<string> Columns { get; }

    public string? Caption { get; }

    /// <summary>The rows' cell texts, top to bottom.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows => _rows.Select(r => (IReadOnlyList<string>)r.Cells).ToList();

    /// <summary>Whether each row is marked, top to bottom.</summary>
    public IReadOnlyList<bool> Marked => _rows.Select(r => r.Marked).ToList();

    /// <summary>Adds a row of cells (formatted as <see cref="HtmlTable.Cell"/> does). Returns the table.</summary>
    public SentenceTable AddRow(params object?[] cells) => Add(false, cells);

    /// <summary>Adds a marked row. Returns the table.</summary>
    public SentenceTable AddMarkedRow(params object?[] cells) => Add(true, cells);

    private SentenceTable Add(bool marked, object?[] cells)
    {
        if (cells.Length != Columns.Count)
            throw new ArgumentException($"A row of this table needs {Columns.Count} cells ({string.Join(", ", Columns)}), got {cells.Length}.", nameof(cells));
        _rows.Add((cells.Select(HtmlTable.Cell).ToArray(), marked));
        return this;
    }

    public string ToHtml()
    {
        var html = new StringBuilder("<table class=\"workbench-table\" style=\"border-collapse: collapse; font-variant-numeric: tabular-nums;\">");
        if (Caption is not null) html.Append("<caption style=\"text-align: left; font-weight: bold;\">").Append(WebUtility.HtmlEncode(Caption)).Append("</caption>");
        html.Append("<thead><tr>");
        foreach (var column in Columns)
            html.Append("<th style=\"text-align: left; padding: 2px 8px; border-bottom: 1px solid #999;\">").Append(WebUtility.HtmlEncode(column)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var (cells, marked) in _rows)
        {
            html.Append("<tr>");
            foreach (var cell in cells)
            {
                string align = IsNumber(cell) ? "right" : "left";
                string mark = marked ? " font-weight: bold; background: #eef3fb;" : "";
                html.Append($"<td style=\"text-align: {align}; padding: 2px 8px;{mark}\">").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            }
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    private static bool IsNumber(string cell) =>
        cell.Length > 0 && double.TryParse(cell, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    public override string ToString() =>
        string.Join("\n", _rows.Select(r => (r.Marked ? "» " : "  ") + string.Join(" | ", r.Cells)));
}
