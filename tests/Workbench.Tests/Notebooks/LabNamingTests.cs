using Workbench.Display;
using Workbench.Notebooks;
using Workbench.Plotting.Imaging;

namespace Workbench.Tests.Notebooks;

/// <summary>How Lab names run folders, and how its side-by-side row takes pictures of different kinds.</summary>
public class LabNamingTests
{
    [Theory]
    [InlineData("N(0, I) prior", "N-0-I-prior")]
    [InlineData("β=0.5", "beta=0.5")]
    [InlineData("linear warm-up", "linear-warm-up")]
    [InlineData("Gaussian σ = 0.1", "Gaussian-sigma-=-0.1")]
    [InlineData("  (x)  ", "x")]
    [InlineData("()", "run")]
    public void RunId_DisplayName_OneDashPerRunOfOtherCharacters(string name, string id) => Assert.Equal(id, Lab.RunId(name));

    [Fact]
    public void SideBySide_TuplesOfDifferentPictureKinds_NeedNoCast()
    {
        var grid = ImageGrid.Compose([new float[4]], 2, 2);
        var table = new HtmlTable(["a"], "a table").AddRow(1);

        var html = Lab.SideBySide([("a grid", grid), ("a table", table)]).ToHtml();

        Assert.True(html.IndexOf("a grid", StringComparison.Ordinal) < html.IndexOf("a table", StringComparison.Ordinal), html);
        Assert.Contains("data:image/png;base64,", html);
    }
}
