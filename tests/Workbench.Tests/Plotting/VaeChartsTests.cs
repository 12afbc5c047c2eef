using System.Text.Json;
using Workbench.Plotting;
using Workbench.Plotting.Charts;

namespace Workbench.Tests.Plotting;

public class VaeChartsTests
{
    private static JsonElement Parse(Figure figure) => JsonDocument.Parse(figure.ToJson()).RootElement;

    internal static Figure SampleElbo()
    {
        var epochs = Enumerable.Range(1, 10).ToArray();
        ElboCurves Curves(double offset)
        {
            var recon = epochs.Select(e => 200.0 / Math.Sqrt(e) + 60 + offset).ToArray();
            var kl = epochs.Select(e => 25 - 10.0 / e + offset / 4).ToArray();
            return new ElboCurves(recon, kl, recon.Zip(kl, (r, k) => r + k).ToArray());
        }
        return VaeCharts.ElboComponents(epochs, Curves(0), Curves(8));
    }

    [Fact]
    public void ElboComponents_TrainAndTest_ThreePanelsWithOneLegendEntryPerSplit()
    {
        var root = Parse(SampleElbo());
        var data = root.GetProperty("data");

        Assert.Equal(6, data.GetArrayLength());
        Assert.Equal(["x", "x2", "x3", "x", "x2", "x3"], data.EnumerateArray().Select(t => t.GetProperty("xaxis").GetString()));
        Assert.Equal(2, data.EnumerateArray().Count(t => t.GetProperty("showlegend").GetBoolean()));
        Assert.Equal("dash", data[3].GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal(data[0].GetProperty("y")[4].GetDouble() + data[1].GetProperty("y")[4].GetDouble(), data[2].GetProperty("y")[4].GetDouble(), 9);
        Assert.Equal("epoch", root.GetProperty("layout").GetProperty("xaxis3").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void ElboComponents_SeriesLengthMismatch_ThrowsNamingSeries()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            VaeCharts.ElboComponents(new[] { 1, 2, 3 }, new ElboCurves(new[] { 1.0, 2, 3 }, new[] { 1.0, 2 }, new[] { 1.0, 2, 3 })));
        Assert.Contains("train KL has 2 values but there are 3 points", e.Message);
    }

    [Fact]
    public void RateDistortion_PointsSortedByRateAndLabelledWithBeta()
    {
        var figure = VaeCharts.RateDistortion([new(4, 5, 120), new(0.5, 30, 80), new(1, 20, 90)]);

        var trace = Parse(figure).GetProperty("data")[0];

        Assert.Equal([5.0, 20, 30], trace.GetProperty("x").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([120.0, 90, 80], trace.GetProperty("y").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(["β=4", "β=1", "β=0.5"], trace.GetProperty("text").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("lines+markers+text", trace.GetProperty("mode").GetString());
    }

    [Fact]
    public void PerDimensionKl_TwoRuns_GroupedBarsOverLatentDimensions()
    {
        var figure = VaeCharts.PerDimensionKl([new("β=1", new[] { 3.0, 0.01, 2 }), new("β=4", new[] { 1.5, 0.0, 0.02 })]);

        var root = Parse(figure);
        var data = root.GetProperty("data");

        Assert.Equal("group", root.GetProperty("layout").GetProperty("barmode").GetString());
        Assert.Equal(2, data.GetArrayLength());
        Assert.All(data.EnumerateArray(), t => Assert.Equal("bar", t.GetProperty("type").GetString()));
        Assert.Equal(["z0", "z1", "z2"], data[1].GetProperty("x").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("β=4", data[1].GetProperty("name").GetString());
    }

    [Fact]
    public void LatentScatter_OneTracePerClassWithItsPoints()
    {
        var z1 = new float[] { 0, 1, 2, 3, 4 };
        var z2 = new float[] { 5, 6, 7, 8, 9 };
        int[] labels = [2, 0, 2, 0, 1];

        var data = Parse(VaeCharts.LatentScatter(z1, z2, labels, ["T-shirt", "Trouser", "Pullover"])).GetProperty("data");

        Assert.Equal(["T-shirt", "Trouser", "Pullover"], data.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([1.0, 3], data[0].GetProperty("x").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([6.0, 8], data[0].GetProperty("y").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0.0, 2], data[2].GetProperty("x").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(VaeCharts.ColorAt(2), data[2].GetProperty("marker").GetProperty("color").GetString());
        Assert.Equal("markers", data[0].GetProperty("mode").GetString());
    }

    [Fact]
    public void LatentScatter_LabelCountMismatch_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => VaeCharts.LatentScatter(new[] { 1.0, 2 }, new[] { 1.0, 2 }, [0]));
        Assert.Contains("labels has 1 values but there are 2 points", e.Message);
    }

    [Fact]
    public void KlScheduleComparison_WeightOnTopKlBelowSharingEpochAxis()
    {
        var epochs = new[] { 1, 2, 3, 4 };
        var figure = VaeCharts.KlScheduleComparison(epochs,
        [
            new("constant", new[] { 1.0, 1, 1, 1 }, new[] { 9.0, 8, 8, 8 }),
            new("warm-up", new[] { 0.0, 0.33, 0.67, 1 }, new[] { 20.0, 15, 11, 9 }),
        ]);

        var root = Parse(figure);
        var data = root.GetProperty("data");
        var layout = root.GetProperty("layout");

        Assert.Equal(4, data.GetArrayLength());
        Assert.Equal(["y", "y2", "y", "y2"], data.EnumerateArray().Select(t => t.GetProperty("yaxis").GetString()));
        Assert.Equal("x", layout.GetProperty("xaxis2").GetProperty("matches").GetString());
        Assert.True(layout.GetProperty("yaxis").GetProperty("domain")[0].GetDouble() > layout.GetProperty("yaxis2").GetProperty("domain")[1].GetDouble());
        Assert.Equal(data[0].GetProperty("line").GetProperty("color").GetString(), data[1].GetProperty("line").GetProperty("color").GetString());
    }

    [Fact]
    public void KlScheduleComparison_FineWeightCurveAndCapacityTarget_AreDrawn()
    {
        var epochs = new[] { 1, 2 };
        var figure = VaeCharts.KlScheduleComparison(epochs,
        [
            new("cyclical", new[] { 1.0, 1 }, new[] { 9.0, 8 }, WeightAt: (new[] { 0.0, 0.5, 1, 1.5, 2 }, new[] { 0.0, 1, 0, 1, 1 })),
            new("capacity", new[] { double.NaN, double.NaN }, new[] { 3.0, 6 }, KlTarget: new[] { 2.5, 5 }),
        ]);

        var data = Parse(figure).GetProperty("data");
        Assert.Equal(5, data.GetArrayLength()); // two weight lines, two KL lines, one target line
        Assert.Equal([0.0, 0.5, 1, 1.5, 2], data[0].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal("linear", data[0].GetProperty("line").GetProperty("shape").GetString());
        var target = data.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "capacity target C");
        Assert.Equal("y2", target.GetProperty("yaxis").GetString());
        Assert.Equal("dash", target.GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal([2.5, 5], target.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public void KlScheduleComparison_CapacityTarget_HasItsOwnColourAndLegendEntry()
    {
        var figure = VaeCharts.KlScheduleComparison(new[] { 1, 2 },
            [new("capacity", new[] { double.NaN, double.NaN }, new[] { 3.0, 6 }, KlTarget: new[] { 2.5, 5 })]);

        var data = Parse(figure).GetProperty("data").EnumerateArray().ToList();
        var target = data.Single(t => t.GetProperty("name").GetString() == "capacity target C");
        var kl = data.Last(t => t.GetProperty("name").GetString() == "capacity");
        Assert.NotEqual(kl.GetProperty("line").GetProperty("color").GetString(), target.GetProperty("line").GetProperty("color").GetString());
        Assert.False(target.TryGetProperty("showlegend", out var shown) && !shown.GetBoolean(), "the target C is in the legend");
        Assert.True(data.IndexOf(target) > data.IndexOf(kl), "the target C is drawn over the KL it follows");
    }
}
