using System.Text.Json;
using Workbench.Plotting;

namespace Workbench.Tests.Plotting;

public class FigureJsonTests
{
    private static JsonElement Parse(Figure figure) => JsonDocument.Parse(figure.ToJson()).RootElement;

    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [Fact]
    public void ToJson_Scatter_WritesPlotlyKeysAndValues()
    {
        var figure = new Figure(new Scatter
        {
            Name = "train",
            Mode = ScatterMode.LinesAndMarkers,
            X = new[] { 1, 2, 3 },
            Y = new[] { 0.5, 0.25, 0.125 },
            Marker = new Marker { Color = "red", Size = 6 },
            Line = new Line { Dash = LineDash.Dash, Width = 2 },
            Text = ["a", "b", "c"],
            ShowLegend = false,
        });

        var trace = Parse(figure).GetProperty("data")[0];

        Assert.Equal("scatter", trace.GetProperty("type").GetString());
        Assert.Equal("lines+markers", trace.GetProperty("mode").GetString());
        Assert.Equal("train", trace.GetProperty("name").GetString());
        Assert.Equal([1.0, 2.0, 3.0], Numbers(trace.GetProperty("x")));
        Assert.Equal([0.5, 0.25, 0.125], Numbers(trace.GetProperty("y")));
        Assert.Equal("red", trace.GetProperty("marker").GetProperty("color").GetString());
        Assert.Equal(6, trace.GetProperty("marker").GetProperty("size").GetDouble());
        Assert.Equal("dash", trace.GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal(2, trace.GetProperty("line").GetProperty("width").GetDouble());
        Assert.Equal(["a", "b", "c"], trace.GetProperty("text").EnumerateArray().Select(e => e.GetString()));
        Assert.False(trace.GetProperty("showlegend").GetBoolean());
        // Unset attributes are omitted so plotly applies its defaults.
        Assert.False(trace.TryGetProperty("hovertext", out _));
        Assert.False(trace.TryGetProperty("xaxis", out _));
        Assert.False(trace.GetProperty("marker").TryGetProperty("colorscale", out _));
    }

    [Fact]
    public void ToJson_NonFiniteNumbers_WrittenAsNull()
    {
        var figure = new Figure(new Scatter
        {
            X = new[] { 0.0, 1, 2, 3 },
            Y = new[] { 1.0, double.NaN, double.PositiveInfinity, 4 },
            Marker = new Marker { Size = double.NaN, Color = new[] { 0.1f, float.NaN } },
        });

        var trace = Parse(figure).GetProperty("data")[0];
        var y = trace.GetProperty("y");

        Assert.Equal(JsonValueKind.Number, y[0].ValueKind);
        Assert.Equal(JsonValueKind.Null, y[1].ValueKind);
        Assert.Equal(JsonValueKind.Null, y[2].ValueKind);
        Assert.Equal(4, y[3].GetDouble());
        Assert.Equal(JsonValueKind.Null, trace.GetProperty("marker").GetProperty("size").ValueKind);
        var color = trace.GetProperty("marker").GetProperty("color");
        Assert.Equal(JsonValueKind.Null, color[1].ValueKind);
        // Floats keep their short decimal form.
        Assert.Equal("0.1", color[0].GetRawText());
    }

    [Fact]
    public void ToJson_NumericMarkerColors_WithColorScale()
    {
        var figure = new Figure(new Scatter
        {
            Mode = ScatterMode.Markers,
            X = new[] { 1.0, 2 },
            Y = new[] { 1.0, 2 },
            Marker = new Marker { Color = new[] { 3.0, 7.0 }, ColorScale = ColorScale.Viridis, ShowScale = true },
        });

        var marker = Parse(figure).GetProperty("data")[0].GetProperty("marker");

        Assert.Equal([3.0, 7.0], Numbers(marker.GetProperty("color")));
        Assert.Equal("Viridis", marker.GetProperty("colorscale").GetString());
        Assert.True(marker.GetProperty("showscale").GetBoolean());
    }

    [Fact]
    public void ToJson_SubplotGrid_AssignsAxesDomainsAnchorsAndTitles()
    {
        var grid = Subplots.Grid(2, 2, ["a", "b", "c", "d"], horizontalSpacing: 0.1, verticalSpacing: 0.15);
        grid.Add(new Scatter { X = new[] { 1.0 }, Y = new[] { 2.0 } }, 1, 1);
        grid.Add(new Scatter { X = new[] { 1.0 }, Y = new[] { 2.0 } }, 1, 2);
        grid.Add(new Bar { X = new[] { "p", "q" }, Y = new[] { 1.0, 2 } }, 2, 1);
        grid.XAxis(1, 2).Title = "epoch";
        grid.Figure.Layout.XAxis().Title = "first";

        var root = Parse(grid.Figure);
        var data = root.GetProperty("data");
        var layout = root.GetProperty("layout");

        Assert.Equal("x", data[0].GetProperty("xaxis").GetString());
        Assert.Equal("x2", data[1].GetProperty("xaxis").GetString());
        Assert.Equal("y2", data[1].GetProperty("yaxis").GetString());
        Assert.Equal("x3", data[2].GetProperty("xaxis").GetString());
        Assert.Equal("bar", data[2].GetProperty("type").GetString());
        Assert.Equal("epoch", layout.GetProperty("xaxis2").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("first", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        // Cell width (1 − 0.1)/2 = 0.45, cell height (1 − 0.15)/2 = 0.425; row 1 on top.
        Assert.Equal([0.0, 0.45], Numbers(layout.GetProperty("xaxis").GetProperty("domain")));
        Assert.Equal([0.55, 1.0], Numbers(layout.GetProperty("xaxis2").GetProperty("domain")));
        Assert.Equal([0.575, 1.0], Numbers(layout.GetProperty("yaxis").GetProperty("domain")));
        Assert.Equal([0.0, 0.425], Numbers(layout.GetProperty("yaxis3").GetProperty("domain")));
        Assert.Equal([0.55, 1.0], Numbers(layout.GetProperty("xaxis4").GetProperty("domain")));
        Assert.Equal("y2", layout.GetProperty("xaxis2").GetProperty("anchor").GetString());
        Assert.Equal("x4", layout.GetProperty("yaxis4").GetProperty("anchor").GetString());
        var annotations = layout.GetProperty("annotations");
        Assert.Equal(4, annotations.GetArrayLength());
        Assert.Equal("b", annotations[1].GetProperty("text").GetString());
        Assert.Equal(0.775, annotations[1].GetProperty("x").GetDouble(), 12);
        Assert.Equal(1.0, annotations[1].GetProperty("y").GetDouble());
        Assert.Equal("paper", annotations[1].GetProperty("xref").GetString());
        Assert.False(annotations[1].GetProperty("showarrow").GetBoolean());
    }

    [Fact]
    public void Grid_SharedX_MatchesFirstAxisAndHidesInnerTickLabels()
    {
        var grid = Subplots.Grid(2, 1, sharedX: true);

        var layout = Parse(grid.Figure).GetProperty("layout");

        Assert.False(layout.GetProperty("xaxis").TryGetProperty("matches", out _));
        Assert.Equal("x", layout.GetProperty("xaxis2").GetProperty("matches").GetString());
        Assert.False(layout.GetProperty("xaxis").GetProperty("showticklabels").GetBoolean());
        Assert.False(layout.GetProperty("xaxis2").TryGetProperty("showticklabels", out _));
    }

    [Fact]
    public void Add_CellOutsideGrid_Throws()
    {
        var grid = Subplots.Grid(1, 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => grid.Add(new Scatter(), 2, 1));
        Assert.Contains("outside the 1×2 grid", e.Message);
    }

    [Fact]
    public void ToJson_BarHeatmapImage_WritesTypeSpecificAttributes()
    {
        var heatmap = Heatmap.FromMatrix(new double[,] { { 1, 2, 3 }, { 4, double.NaN, 6 } });
        heatmap.ColorScale = ColorScale.FromStops((0, "#000000"), (1, "#ffffff"));
        heatmap.ZMin = 0;
        heatmap.ZMax = 10;
        heatmap.ShowScale = false;
        var figure = new Figure(
            new Bar { X = new[] { 3.0, 4 }, Y = new[] { "a", "b" }, Orientation = BarOrientation.Horizontal, Name = "kl" },
            heatmap,
            Image.FromPixels(new byte[] { 255, 0, 0, 0, 255, 0 }, 1, 2, 3),
            new Image { Source = "data:image/png;base64,AAAA" });

        var data = Parse(figure).GetProperty("data");

        Assert.Equal("bar", data[0].GetProperty("type").GetString());
        Assert.Equal("h", data[0].GetProperty("orientation").GetString());
        Assert.Equal(["a", "b"], data[0].GetProperty("y").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("heatmap", data[1].GetProperty("type").GetString());
        var z = data[1].GetProperty("z");
        Assert.Equal(2, z.GetArrayLength());
        Assert.Equal([1.0, 2.0, 3.0], Numbers(z[0]));
        Assert.Equal(JsonValueKind.Null, z[1][1].ValueKind);
        Assert.Equal("[[0,\"#000000\"],[1,\"#ffffff\"]]", data[1].GetProperty("colorscale").GetRawText());
        Assert.Equal(0, data[1].GetProperty("zmin").GetDouble());
        Assert.Equal(10, data[1].GetProperty("zmax").GetDouble());
        Assert.False(data[1].GetProperty("showscale").GetBoolean());
        Assert.Equal("image", data[2].GetProperty("type").GetString());
        Assert.Equal("[[[255,0,0],[0,255,0]]]", data[2].GetProperty("z").GetRawText());
        Assert.Equal("rgb", data[2].GetProperty("colormodel").GetString());
        Assert.Equal("data:image/png;base64,AAAA", data[3].GetProperty("source").GetString());
    }

    [Fact]
    public void ToJson_Layout_UsesPlotlyNames()
    {
        var figure = new Figure().WithTitle("Loss").WithSize(640, 480);
        figure.Layout.Margin = new Margin { L = 40, R = 10, T = 50, B = 30 };
        figure.Layout.Legend = new Legend { Orientation = "h", X = 0.5 };
        figure.Layout.PlotBackgroundColor = "white";
        figure.Layout.BarMode = "group";
        figure.Layout.YAxis().Type = "log";
        figure.Layout.Grid = new LayoutGrid { Rows = 1, Columns = 2, Pattern = "independent" };

        var root = Parse(figure);
        var layout = root.GetProperty("layout");

        Assert.Equal("Loss", layout.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(640, layout.GetProperty("width").GetInt32());
        Assert.Equal(480, layout.GetProperty("height").GetInt32());
        Assert.Equal(40, layout.GetProperty("margin").GetProperty("l").GetInt32());
        Assert.Equal(30, layout.GetProperty("margin").GetProperty("b").GetInt32());
        Assert.Equal("h", layout.GetProperty("legend").GetProperty("orientation").GetString());
        Assert.Equal("white", layout.GetProperty("plot_bgcolor").GetString());
        Assert.Equal("group", layout.GetProperty("barmode").GetString());
        Assert.Equal("log", layout.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Equal(2, layout.GetProperty("grid").GetProperty("columns").GetInt32());
        Assert.False(layout.TryGetProperty("template", out _));
        Assert.False(root.GetProperty("config").GetProperty("displaylogo").GetBoolean());
    }
}
