using System.Text.RegularExpressions;

namespace Workbench.Tests.Notebooks;

public sealed class SemiSupervisedAtDefaults : NotebookAtDefaults
{
    protected override string Name => "09-semi-supervised";
}

/// <summary>notebooks/09-semi-supervised.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public partial class SemiSupervisedNotebookTests(SemiSupervisedAtDefaults notebook) : IClassFixture<SemiSupervisedAtDefaults>
{
    private static readonly string[] ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private ExecutedNotebook.Table Errors => Assert.Single(notebook.Executed.Tables("Lab.ClassificationErrors("));

    private double Error(string run) => Errors.Number(run, "test error %");

    private ExecutedNotebook.Table History(string run) =>
        Assert.Single(notebook.Executed.Tables("var m2 = Lab.Train("), t => t.Caption == $"{run}: training history (nats per image)");

    [Fact]
    public void Notebook_RunsCleanly_WithTheElboFigureAndThePictures() => notebook.AssertRanCleanly(minFigures: 1, minPictures: 2);

    [Fact]
    public void Baseline_FitsItsLabelledImages_TrainingCrossEntropyBelowAThousandthOfANat()
    {
        // "The baseline fits its 100 labelled images (its training cross-entropy ends below 0.001 nats)"
        var losses = History("classifier alone").Numbers("train loss");
        Assert.True(losses[^1] < 0.001, $"last training cross-entropy {losses[^1]}");
    }

    [Fact]
    public void M2AtThePapersAlpha_ClassifiesWorseThanTheBaseline() =>
        // "At this budget, M2 with the paper's α = 0.1 classifies worse than the baseline"
        Assert.True(Error("M2, α=0.1") > Error("classifier alone"), $"M2 {Error("M2, α=0.1")} % vs baseline {Error("classifier alone")} %");

    [Fact]
    public void M2AtThePapersAlpha_UnlabelledTermDwarfsTheWeightedCrossEntropy()
    {
        // "the labelled cross-entropy weighs at most 0.1 × 2.3 nats per image at chance, the unlabelled term over 200
        // nats per image (the train loss of the run's table)"
        var losses = History("M2, α=0.1").Numbers("train loss");
        Assert.All(losses, loss => Assert.True(loss > 200, $"train loss {loss}"));
    }

    [Fact]
    public void M2AtAlphaOne_ClassifiesBetterThanTheBaseline_ByLessThanTwoPoints()
    {
        // "With α = 1, M2's error is lower than the baseline's, by less than two points"
        double gain = Error("classifier alone") - Error("M2, α=1");
        Assert.InRange(gain, 1e-9, 2);
    }

    [Fact]
    public void EveryClass_RowsNamedByTheirClass_AndAColumnVariesLessThanARow()
    {
        // "each column is one style z, decoded with every class, one class per row (named on the left) ... the tiles of
        // one column differ from one another less than the columns differ"
        var png = Png("Lab.EveryClass(");
        Assert.Equal(ClassNames, Plotting.FontReader.RowLabels(png, rows: 10, columns: 8));
        var (withinColumns, withinRows) = Spread(png, rows: 10, columns: 8, firstRow: 0);
        Assert.True(withinColumns < withinRows, $"mean |Δ| within a column {withinColumns:F1}, within a row {withinRows:F1} grey levels");
    }

    [Fact]
    public void Analogies_TestImagesOnTopThenEveryClass_AndAColumnVariesLessThanARow()
    {
        // "the top row holds test images; below each, its style decoded with every class ... the rows of a column differ
        // from one another less than the columns do"
        var png = Png("Lab.Analogies(");
        Assert.Equal(["test image", .. ClassNames], Plotting.FontReader.RowLabels(png, rows: 11, columns: 8));
        var (withinColumns, withinRows) = Spread(png, rows: 11, columns: 8, firstRow: 1);
        Assert.True(withinColumns < withinRows, $"mean |Δ| within a column {withinColumns:F1}, within a row {withinRows:F1} grey levels");
    }

    [Fact]
    public void ElboFigure_TestElboStillFallsInTheLastEpoch()
    {
        // "The test −ELBO still falls in the last epoch"
        var elbo = History("M2, α=1").Numbers("test −ELBO");
        Assert.True(elbo[^1] < elbo[^2], $"test −ELBO {elbo[^2]} → {elbo[^1]}");
        Assert.NotEmpty(notebook.Executed.Figures("Lab.ElboFigure(m2Larger)"));
    }

    private Plotting.DecodedPng Png(string snippet) =>
        Plotting.PngReader.Decode(Convert.FromBase64String(PngDataUri().Match(notebook.Executed.Html(snippet)).Groups[1].Value));

    /// <summary>
    /// Mean absolute grey-level difference between tiles of the same column (pairs of rows from <paramref name="firstRow"/>)
    /// and between tiles of the same row (pairs of columns), for a labelled grid of 56 px tiles 2 px apart in the bottom right.
    /// </summary>
    private static (double WithinColumns, double WithinRows) Spread(Plotting.DecodedPng png, int rows, int columns, int firstRow)
    {
        const int cell = 56, padding = 2;
        int left = png.Width - (columns * (cell + padding) + padding), top = png.Height - (rows * (cell + padding) + padding);
        double Difference(int r1, int c1, int r2, int c2)
        {
            double sum = 0;
            for (int y = 0; y < cell; y++)
                for (int x = 0; x < cell; x++)
                    sum += Math.Abs(png.Pixel(left + padding + c1 * (cell + padding) + x, top + padding + r1 * (cell + padding) + y)[0]
                                  - png.Pixel(left + padding + c2 * (cell + padding) + x, top + padding + r2 * (cell + padding) + y)[0]);
            return sum / (cell * cell);
        }
        var withinColumns = new List<double>();
        var withinRows = new List<double>();
        for (int c = 0; c < columns; c++)
            for (int r1 = firstRow; r1 < rows; r1++)
                for (int r2 = r1 + 1; r2 < rows; r2++) withinColumns.Add(Difference(r1, c, r2, c));
        for (int r = firstRow; r < rows; r++)
            for (int c1 = 0; c1 < columns; c1++)
                for (int c2 = c1 + 1; c2 < columns; c2++) withinRows.Add(Difference(r, c1, r, c2));
        return (withinColumns.Average(), withinRows.Average());
    }

    [GeneratedRegex("data:image/png;base64,([A-Za-z0-9+/=]+)")]
    private static partial Regex PngDataUri();
}
