using Workbench.Models.SemiSupervised;
using Workbench.Notebooks;
using Workbench.Tensors;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Notebooks;

/// <summary>The Lab calls a semi-supervised notebook makes: train M2 on a few labels in memory, its test error, and its pictures.</summary>
public class LabSemiSupervisedTests
{
    private static readonly Lazy<LabRun> Run = new(() => Lab.Train(
        new SemiSupervisedVaeConfig { HiddenSizes = [16], LatentSize = 2, Labels = 20 },
        new TrainingOptions { Epochs = 1, BatchSize = 50, ShowProgress = false }, TestData.Fashion(200)));

    [Fact]
    public void Train_M2InMemory_LearnsFromTheConfiguredLabelsAndReportsTheTestError()
    {
        var test = TestData.Fashion(100, offset: 200);
        var model = Assert.IsType<SemiSupervisedVae>(Run.Value.Model);
        Assert.Equal("M2, 20 labels", Run.Value.Name);
        double error = Lab.ClassificationError(model, test);
        Assert.Equal(Workbench.Evaluation.ClassificationError.Evaluate(model, test), error);
        Assert.InRange(error, 0, 1);
        var table = Lab.ClassificationErrors([Run.Value], test).ToHtml();
        Assert.Contains((100 * error).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), table);
    }

    [Fact]
    public void EveryClass_OneClassPerRowOneStylePerColumn_CellsAreTheModelsDecodings()
    {
        var model = (SemiSupervisedVae)Run.Value.Model;
        var grid = Lab.EveryClass(model, styles: 3, seed: 5);
        Assert.Equal((10, 3), (grid.Rows, grid.Columns));
        // Cell (class 4, style 1) shows z₁ decoded as class 4: its brightest pixel is brighter there than its darkest.
        var sample = model.SampleEveryClass(3, new Rng(5)).GatherRows([1 * 10 + 4]).ToArray();
        int brightest = Array.IndexOf(sample, sample.Max()), darkest = Array.IndexOf(sample, sample.Min());
        Assert.True(Tile(grid, 4 * 3 + 1, brightest) > Tile(grid, 4 * 3 + 1, darkest));
    }

    [Fact]
    public void Analogies_TopRowIsTheTestImages_ThenOneRowPerClass()
    {
        var model = (SemiSupervisedVae)Run.Value.Model;
        var test = TestData.Fashion(4, offset: 300);
        var grid = Lab.Analogies(model, test, count: 4, trueLabels: true);
        Assert.Equal((11, 4), (grid.Rows, grid.Columns));
        // The test image's tile shows its pixels: a bright pixel of the image is bright in the grid and a dark one dark.
        var image = test.Image(2);
        int brightest = image.IndexOf(MaxOf(image)), darkest = image.IndexOf(MinOf(image));
        Assert.True(Tile(grid, 2, brightest) > Tile(grid, 2, darkest));
        // Row 1 + y, column b: image b's style decoded as class y.
        var decoded = model.Analogies(test.Batch([0, 1, 2, 3]).Images, test.Batch([0, 1, 2, 3]).Labels).GatherRows([3 * 10 + 7]).ToArray();
        int high = Array.IndexOf(decoded, decoded.Max()), low = Array.IndexOf(decoded, decoded.Min());
        Assert.True(Tile(grid, (1 + 7) * 4 + 3, high) > Tile(grid, (1 + 7) * 4 + 3, low));
    }

    private static float MaxOf(ReadOnlySpan<float> v) { float m = v[0]; foreach (var x in v) m = Math.Max(m, x); return m; }
    private static float MinOf(ReadOnlySpan<float> v) { float m = v[0]; foreach (var x in v) m = Math.Min(m, x); return m; }

    /// <summary>The grey level of pixel <paramref name="pixel"/> of a 28×28 image shown 2× in cell <paramref name="cell"/>.</summary>
    private static int Tile(Workbench.Plotting.Imaging.ImageGrid grid, int cell, int pixel)
    {
        var (x, y) = grid.CellOrigin(cell);
        int px = x + 2 * (pixel % 28), py = y + 2 * (pixel / 28);
        return grid.Pixels[(py * grid.Width + px) * grid.Channels];
    }
}
