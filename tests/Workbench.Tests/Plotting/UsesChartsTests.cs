using System.Text.Json;
using Workbench.Plotting;
using Workbench.Plotting.Charts;

namespace Workbench.Tests.Plotting;

/// <summary>The anomaly-detection and denoising figures: their traces, labels and embedded picture.</summary>
public class UsesChartsTests
{
    private static JsonElement Parse(Figure figure) => JsonDocument.Parse(figure.ToJson()).RootElement;

    [Fact]
    public void AurocPerClass_OneTracePerScoreWithOneBarPerClass()
    {
        var bars = new[]
        {
            new AurocBar("Bag", "negative-elbo", 0.9), new AurocBar("Bag", "reconstruction-error", 0.95),
            new AurocBar("Trouser", "negative-elbo", 0.3), new AurocBar("Trouser", "reconstruction-error", 0.2),
        };
        var data = Parse(VaeCharts.AurocPerClass(bars)).GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal(["Bag", "Trouser"], data[1].GetProperty("x").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal([0.95, 0.2], data[1].GetProperty("y").EnumerateArray().Select(y => y.GetDouble()));
        Assert.Equal("reconstruction-error", data[1].GetProperty("name").GetString());
    }

    [Fact]
    public void ScoreHistograms_EachGroupNormalisedToOneAndOneLegendEntryPerGroup()
    {
        var histogram = new ScoreHistogram("Bag: −ELBO", "negative-elbo", [0, 1, 2, 3], [1, 2, 1], [6, 3, 1]);
        var data = Parse(VaeCharts.ScoreHistograms([histogram, histogram with { Title = "again" }], columns: 2)).GetProperty("data");
        Assert.Equal(4, data.GetArrayLength());
        Assert.Equal([0.6, 0.3, 0.1], data[0].GetProperty("y").EnumerateArray().Select(y => Math.Round(y.GetDouble(), 12)));
        Assert.Equal([0.25, 0.5, 0.25], data[1].GetProperty("y").EnumerateArray().Select(y => y.GetDouble()));
        Assert.Equal([0.5, 1.5, 2.5], data[1].GetProperty("x").EnumerateArray().Select(x => x.GetDouble()));
        Assert.Equal(2, data.EnumerateArray().Count(t => t.TryGetProperty("showlegend", out var s) && s.GetBoolean()));
        Assert.Throws<ArgumentException>(() => VaeCharts.ScoreHistograms([histogram with { BinEdges = [0, 1] }]));
    }

    [Fact]
    public void ScoreHistograms_EndBinsHoldingScoresBeyondTheAxis_AreLabelledWithWhatTheyHold()
    {
        var histogram = new ScoreHistogram("Bag: −ELBO", "negative-elbo", [100, 150, 200, 250], [1, 2, 1], [6, 3, 1]);
        var root = Parse(VaeCharts.ScoreHistograms([histogram]));

        var labels = root.GetProperty("layout").GetProperty("annotations").EnumerateArray()
            .Where(a => a.GetProperty("text").GetString()!.Contains("bar: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["first bar: < 150", "last bar: ≥ 200"], labels.Select(a => a.GetProperty("text").GetString()));
        Assert.Equal([125.0, 225.0], labels.Select(a => a.GetProperty("x").GetDouble()));
        Assert.All(labels, a => Assert.Equal("x", a.GetProperty("xref").GetString()));
        Assert.Equal(["< 150", "[150, 200)", "≥ 200"], root.GetProperty("data")[0].GetProperty("hovertext").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public void LabelledImageRows_WithATitle_LeavesRoomAboveTheTitleForPlotlysToolbar()
    {
        float[] white = [1, 1, 1, 1];
        var layout = Parse(VaeCharts.LabelledImageRows([new ImageRow("clean", [white])], 2, 2, title: "Denoising")).GetProperty("layout");

        // The title is centred in the top margin; plotly's toolbar takes about the top 30 px.
        Assert.True(layout.GetProperty("margin").GetProperty("t").GetDouble() / 2 - 17 >= 30, "the title's top clears the toolbar");
    }

    [Fact]
    public void LabelledImageRows_PictureOfAllRowsAndOneLabelPerRowAtItsCentre()
    {
        float[] black = new float[4], white = [1, 1, 1, 1];
        var rows = new[] { new ImageRow("clean", [white, white, white]), new ImageRow("noisy", [black, white, black]) };
        var root = Parse(VaeCharts.LabelledImageRows(rows, height: 2, width: 2, scale: 3));
        var source = root.GetProperty("data")[0].GetProperty("source").GetString()!;
        var png = PngReader.Decode(Convert.FromBase64String(source["data:image/png;base64,".Length..]));
        // 3 columns × 6 px + 4 × 2 px padding; 2 rows × 6 px + 3 × 2 px.
        Assert.Equal((26, 18), (png.Width, png.Height));
        var annotations = root.GetProperty("layout").GetProperty("annotations");
        Assert.Equal(["clean", "noisy"], annotations.EnumerateArray().Select(a => a.GetProperty("text").GetString()));
        Assert.Equal([2 + 3.0, 2 + 6 + 2 + 3.0], annotations.EnumerateArray().Select(a => a.GetProperty("y").GetDouble()));
        Assert.Throws<ArgumentException>(() => VaeCharts.LabelledImageRows([rows[0], new ImageRow("short", [white])], 2, 2));
    }

    [Fact]
    public void PsnrPerCorruption_GroupsSeriesByCorruption()
    {
        var data = Parse(VaeCharts.PsnrPerCorruption([new PsnrBar("noise", "input", 12), new PsnrBar("noise", "vae output", 15), new PsnrBar("mask", "input", 13)]))
            .GetProperty("data");
        Assert.Equal(["input", "vae output"], data.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([12.0, 13.0], data[0].GetProperty("y").EnumerateArray().Select(y => y.GetDouble()));
        Assert.True(double.IsNaN(data[1].GetProperty("y")[1].ValueKind == JsonValueKind.Null ? double.NaN : data[1].GetProperty("y")[1].GetDouble()));
    }
}
