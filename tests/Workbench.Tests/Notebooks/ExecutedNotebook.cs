using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

/// <summary>
/// Reads what a reader of an executed notebook sees, to check the notebook's text against it: the
/// tables (<c>workbench-table</c> HTML), the plotly figures (their <c>data</c> JSON) and the
/// printed text of the cell whose source contains a given snippet.
/// </summary>
public sealed partial class ExecutedNotebook(Notebook notebook)
{
    public Notebook Notebook { get; } = notebook;

    /// <summary>The one code cell whose source contains <paramref name="snippet"/>.</summary>
    public NotebookCell Cell(string snippet) =>
        Assert.Single(Notebook.Cells, c => c.IsCode && c.Source.Contains(snippet, StringComparison.Ordinal));

    /// <summary>The markdown text of the whole notebook.</summary>
    public string Markdown => string.Join("\n", Notebook.Cells.Where(c => c.CellType == NotebookCell.Markdown).Select(c => c.Source));

    /// <summary>Everything the cell printed on stdout.</summary>
    public string Stdout(string snippet) =>
        string.Concat(Cell(snippet).Outputs.Where(o => o.OutputType() == "stream" && o["name"]!.GetValue<string>() == "stdout")
            .Select(o => NotebookTestSupport.Text(o["text"]))).ReplaceLineEndings("\n");

    /// <summary>The HTML of the cell's display_data and execute_result outputs.</summary>
    public string Html(string snippet) =>
        string.Concat(Cell(snippet).Outputs.Where(o => o["data"]?["text/html"] is not null).Select(o => o.Data("text/html")));

    /// <summary>The tables the cell shows.</summary>
    public IReadOnlyList<Table> Tables(string snippet) =>
        TablePattern().Matches(Html(snippet)).Select(m => Table.Parse(m.Value)).ToList();

    /// <summary>The plotly figures the cell shows, as their <c>data</c> arrays (one JSON object per trace).</summary>
    public IReadOnlyList<JsonArray> Figures(string snippet) =>
        FigureDataPattern().Matches(Html(snippet)).Select(m => JsonNode.Parse(m.Groups[1].Value)!.AsArray()).ToList();

    /// <summary>A trace's x or y values as numbers.</summary>
    public static double[] Values(JsonNode trace, string axis) =>
        trace[axis]!.AsArray().Select(v => v is null ? double.NaN : v.GetValue<double>()).ToArray();

    [GeneratedRegex("<table class=\"workbench-table\".*?</table>", RegexOptions.Singleline)]
    private static partial Regex TablePattern();

    [GeneratedRegex(@"var data = (\[.*?\]);\n")]
    private static partial Regex FigureDataPattern();

    /// <summary>A <c>workbench-table</c>: caption, column headings and cell texts.</summary>
    public sealed partial record Table(string Caption, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
    {
        /// <summary>The row whose first cell is <paramref name="key"/>.</summary>
        public IReadOnlyList<string> Row(string key) => Assert.Single(Rows, r => r[0] == key);

        /// <summary>A numeric cell of the row named <paramref name="key"/>.</summary>
        public double Number(string key, string column) => double.Parse(Row(key)[Column(column)].TrimEnd('%'), CultureInfo.InvariantCulture);

        /// <summary>A numeric column, top to bottom.</summary>
        public double[] Numbers(string column) => Rows.Select(r => double.Parse(r[Column(column)].TrimEnd('%'), CultureInfo.InvariantCulture)).ToArray();

        private int Column(string name)
        {
            var index = Columns.ToList().IndexOf(name);
            Assert.True(index >= 0, $"no column '{name}' in {string.Join(", ", Columns)}");
            return index;
        }

        public static Table Parse(string html)
        {
            var caption = CaptionPattern().Match(html) is { Success: true } c ? WebUtility.HtmlDecode(c.Groups[1].Value) : "";
            var columns = HeadingPattern().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
            var rows = RowPattern().Matches(html)
                .Select(r => (IReadOnlyList<string>)CellPattern().Matches(r.Value).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList())
                .Where(r => r.Count > 0).ToList();
            return new Table(caption, columns, rows);
        }

        [GeneratedRegex("<caption[^>]*>(.*?)</caption>", RegexOptions.Singleline)]
        private static partial Regex CaptionPattern();

        [GeneratedRegex(@"<th\b[^>]*>(.*?)</th>", RegexOptions.Singleline)]
        private static partial Regex HeadingPattern();

        [GeneratedRegex("<tr>.*?</tr>", RegexOptions.Singleline)]
        private static partial Regex RowPattern();

        [GeneratedRegex(@"<td\b[^>]*>(.*?)</td>", RegexOptions.Singleline)]
        private static partial Regex CellPattern();
    }
}
