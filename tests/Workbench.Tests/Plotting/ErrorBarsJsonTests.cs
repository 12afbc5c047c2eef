using System.Text.Json;
using Workbench.Plotting;

namespace Workbench.Tests.Plotting;

/// <summary>Error bars and explicit tick values as plotly.js reads them.</summary>
public class ErrorBarsJsonTests
{
    [Fact]
    public void ToJson_ScatterWithErrorBars_WritesErrorYWithDataArray_AndNaNAsNull()
    {
        var figure = new Figure(new Scatter
        {
            X = new[] { 100.0, 600.0 },
            Y = new[] { 30.5, 20.25 },
            ErrorY = new ErrorBars { Array = new[] { 1.5, double.NaN }, Color = "red", Thickness = 1.5, Width = 6 },
        });
        figure.Layout.XAxis(1).TickVals = [100, 600];

        var root = JsonDocument.Parse(figure.ToJson()).RootElement;
        var errors = root.GetProperty("data")[0].GetProperty("error_y");
        Assert.Equal("data", errors.GetProperty("type").GetString());
        Assert.Equal(1.5, errors.GetProperty("array")[0].GetDouble());
        Assert.Equal(JsonValueKind.Null, errors.GetProperty("array")[1].ValueKind);
        Assert.Equal("red", errors.GetProperty("color").GetString());
        Assert.Equal(6, errors.GetProperty("width").GetDouble());
        Assert.False(errors.TryGetProperty("arrayminus", out _));
        Assert.Equal([100.0, 600.0], root.GetProperty("layout").GetProperty("xaxis").GetProperty("tickvals").EnumerateArray().Select(e => e.GetDouble()));
    }
}
