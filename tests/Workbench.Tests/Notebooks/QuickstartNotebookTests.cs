using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbench.Tests.Notebooks;

public sealed class QuickstartAtDefaults : NotebookAtDefaults
{
    protected override string Name => "01-quickstart";
}

/// <summary>notebooks/01-quickstart.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public partial class QuickstartNotebookTests(QuickstartAtDefaults notebook) : IClassFixture<QuickstartAtDefaults>
{
    private const string Training = "var run = Lab.Train(";

    [Fact]
    public void Notebook_RunsCleanly_WithItsFigureAndPictures() => notebook.AssertRanCleanly(minFigures: 1, minPictures: 4);

    [Fact]
    public void Training_ReconstructionFallsFastWhileKlRisesAtFirst()
    {
        // "the reconstruction term falls fast while the KL *rises* at first ... paying nats of rate to buy a larger drop in distortion"
        var history = Assert.Single(notebook.Executed.Tables(Training));
        var reconstruction = history.Numbers("train rec.");
        var kl = history.Numbers("train KL");

        Assert.True(kl[4] > kl[0], $"KL over the first five epochs: {kl[0]} → {kl[4]}");
        var distortionBought = reconstruction[0] - reconstruction[4];
        var ratePaid = kl[4] - kl[0];
        Assert.True(distortionBought > 10 * ratePaid, $"reconstruction fell {distortionBought} nats while the KL rose {ratePaid}");
    }

    [Fact]
    public void Training_TestCurveBelowTrainingCurveInTheFirstEpoch()
    {
        // "a test curve below the training curve early on is normal"
        var history = Assert.Single(notebook.Executed.Tables(Training));

        Assert.True(history.Numbers("test −ELBO")[0] < history.Numbers("train loss")[0]);
    }

    [Fact]
    public void Traversals_RowsInOrderOfKl_TopRowsChangeTheImage_BottomRowsBarely_NoneSwitchedOff()
    {
        // "The rows are the dimensions in order of their KL on the test set, most first ... each row's label gives
        // that KL in nats per image."
        const int latent = 20, steps = 9;
        var png = TraversalPicture();
        var labels = Plotting.FontReader.RowLabels(png, rows: latent, columns: steps);
        var rows = labels.Select(l => RowLabel().Match(l)).ToArray();
        Assert.All(rows, (m, i) => Assert.True(m.Success, $"row {i} is labelled '{labels[i]}'"));
        Assert.Equal(Enumerable.Range(0, latent).Select(d => "z" + d).Order(), rows.Select(m => m.Groups[1].Value).Order());
        var kl = rows.Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(kl.OrderDescending(), kl);

        // "the top rows carry more than a nat each and change the garment visibly; the rows under half a nat barely
        // change it, and the last ones carry about a tenth of a nat"
        Assert.All(kl[..4], k => Assert.True(k > 1, $"top rows' KL: {string.Join(", ", kl[..4])}"));
        Assert.All(kl[^3..], k => Assert.InRange(k, 0.05, 0.15));
        var change = Enumerable.Range(0, latent).Select(row => RowChange(png, row, latent, steps)).ToArray();
        var underHalfANat = Enumerable.Range(0, latent).Where(row => kl[row] < 0.5).Select(row => change[row]).ToArray();
        Assert.NotEmpty(underHalfANat);
        Assert.True(change[..4].Min() > 3 * underHalfANat.Max(),
            $"grey levels changed across each row, top to bottom: {string.Join(", ", change.Select(c => c.ToString("F1", CultureInfo.InvariantCulture)))}");

        // "None of them is switched off: training reported 20 active units out of 20 ... every row's KL is above 0.05 nats"
        Assert.Contains($"{latent} active units", notebook.Executed.Stdout(Training));
        Assert.True(kl.Min() > 0.05, $"smallest KL {kl.Min()}");
    }

    private Plotting.DecodedPng TraversalPicture()
    {
        var html = notebook.Executed.Html("Lab.Traversals(");
        return Plotting.PngReader.Decode(Convert.FromBase64String(PngDataUri().Match(html).Groups[1].Value));
    }

    /// <summary>Mean absolute grey-level difference (0–255) between the first and last tile of a traversal row.</summary>
    private static double RowChange(Plotting.DecodedPng png, int row, int rows, int columns, int cell = 56, int padding = 2)
    {
        int left = png.Width - (columns * (cell + padding) + padding), top = png.Height - (rows * (cell + padding) + padding);
        int y0 = top + padding + row * (cell + padding), firstX = left + padding, lastX = left + padding + (columns - 1) * (cell + padding);
        double sum = 0;
        for (int y = 0; y < cell; y++)
            for (int x = 0; x < cell; x++)
                sum += Math.Abs(png.Pixel(firstX + x, y0 + y)[0] - png.Pixel(lastX + x, y0 + y)[0]);
        return sum / (cell * cell);
    }

    [GeneratedRegex(@"^(z\d+) ([0-9.]+) nats$")]
    private static partial Regex RowLabel();

    [GeneratedRegex("data:image/png;base64,([A-Za-z0-9+/=]+)")]
    private static partial Regex PngDataUri();
}
