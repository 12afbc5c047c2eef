using System.Text.RegularExpressions;

namespace Workbench.Tests.Notebooks;

public sealed class AblationsAtDefaults : NotebookAtDefaults
{
    protected override string Name => "03-ablations";
}

/// <summary>notebooks/03-ablations.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public partial class AblationsNotebookTests(AblationsAtDefaults notebook) : IClassFixture<AblationsAtDefaults>
{
    private const string Full = "full ELBO", ReconstructionOnly = "reconstruction only", KlOnly = "KL only", Autoencoder = "deterministic AE";
    private static readonly string[] Runs = [Full, ReconstructionOnly, KlOnly, Autoencoder];

    private ExecutedNotebook.Table Numbers => Assert.Single(notebook.Executed.Tables("Lab.Compare(runs, test)"));

    [Fact]
    public void Notebook_RunsCleanly_WithItsFiguresAndPictures() => notebook.AssertRanCleanly(minFigures: 1, minPictures: 8);

    [Fact]
    public void Numbers_AsTheTextExpects()
    {
        double Kl(string run) => Numbers.Number(run, "KL");
        double Sigma(string run) => Numbers.Number(run, "mean posterior σ");
        double Reconstruction(string run) => Numbers.Number(run, "reconstruction");

        // Full ELBO: a moderate KL and σ well below 1.
        Assert.InRange(Kl(Full), 1, 20);
        Assert.True(Sigma(Full) < 0.5, $"full ELBO σ {Sigma(Full)}");
        // Reconstruction only: a much larger KL and a tiny σ.
        Assert.True(Kl(ReconstructionOnly) > 3 * Kl(Full), $"KL {Kl(ReconstructionOnly)} vs full ELBO {Kl(Full)}");
        Assert.True(Sigma(ReconstructionOnly) < 0.05, $"reconstruction-only σ {Sigma(ReconstructionOnly)}");
        // KL only: KL ≈ 0, σ ≈ 1 and the worst reconstruction.
        Assert.True(Kl(KlOnly) < 0.01, $"KL-only KL {Kl(KlOnly)}");
        Assert.True(Sigma(KlOnly) > 0.95, $"KL-only σ {Sigma(KlOnly)}");
        Assert.Equal(KlOnly, Runs.MaxBy(Reconstruction));
        // The deterministic autoencoder reconstructs best, and its reported KL is large.
        Assert.Equal(Autoencoder, Runs.MinBy(Reconstruction));
        Assert.True(Kl(Autoencoder) > 2 * Kl(Full), $"autoencoder KL {Kl(Autoencoder)} vs full ELBO {Kl(Full)}");
    }

    [Fact]
    public void LatentSpaces_FullElboWithinThePrior_OthersFarOut_KlOnlyAtTheOrigin()
    {
        // One figure, a panel per run (axes x, x2, x3, x4 in the runs' order).
        var figure = Assert.Single(notebook.Executed.Figures("Lab.LatentScatters("));
        string[] axes = ["x", "x2", "x3", "x4"];
        var extent = axes.Select(axis => figure.Where(t => (t!["xaxis"]?.GetValue<string>() ?? "x") == axis)
            .SelectMany(trace => ExecutedNotebook.Values(trace!, "x").Zip(ExecutedNotebook.Values(trace!, "y"), (x, y) => Math.Max(Math.Abs(x), Math.Abs(y)))).ToArray()).ToArray();
        Assert.All(extent, e => Assert.Equal(500, e.Length));
        double WithinThree(int run) => extent[run].Count(a => a <= 3) / (double)extent[run].Length;

        // "the prior N(0, I) lives within about ±3. The full ELBO keeps the codes there"
        Assert.True(WithinThree(0) >= 0.95 && extent[0].Max() < 4, $"full ELBO: {WithinThree(0):P0} within ±3, largest {extent[0].Max()}");
        // "reconstruction-only and the autoencoder spread them far out"
        foreach (var run in new[] { 1, 3 })
            Assert.True(WithinThree(run) < 0.5 && extent[run].Max() > 6, $"{Runs[run]}: {WithinThree(run):P0} within ±3, largest {extent[run].Max()}");
        // "KL-only piles every image onto the origin"
        Assert.True(extent[2].Max() < 0.1, $"KL-only codes reach {extent[2].Max()}");
    }

    [Fact]
    public void LatentScatters_OneLegendForAllPanels_EachPanelTitledOnce()
    {
        // "one panel per model (each on its own scale; one legend for all)"
        var html = notebook.Executed.Html("Lab.LatentScatters(");
        var figure = Assert.Single(notebook.Executed.Figures("Lab.LatentScatters("));
        var shown = figure.Where(t => t!["showlegend"]?.GetValue<bool>() != false).Select(t => t!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(shown.Distinct().Count(), shown.Count);
        Assert.Equal(10, shown.Count);
        foreach (var run in Runs)
            Assert.Single(Regex.Matches(html, Regex.Escape($"\"text\":\"{run}\"")));
    }

    [Fact]
    public void Compare_SaysWhatEachLossLeavesUntrained_AndPrintsNoExponents()
    {
        // "it decodes z = μ, so the σ head of its encoder is never trained ... its loss has no KL ... The last column
        // says this for every model."
        string Note(string run) => Numbers.Row(run)[^1];
        Assert.Equal("not trained by its loss", Numbers.Columns[^1]);
        Assert.Contains("σ not trained", Note(Autoencoder));
        Assert.Contains("KL not optimised", Note(Autoencoder));
        Assert.Contains("KL not optimised", Note(ReconstructionOnly));
        Assert.Equal("–", Note(Full));
        // Table values read as plain decimals (the KL-only KL is about 10⁻⁵ nats).
        Assert.All(Numbers.Rows.SelectMany(r => r), cell => Assert.DoesNotMatch("[0-9]E[-+]?[0-9]", cell));
    }

    [Fact]
    public void Manifold_SpansPlusMinusOnePointSeven_FullElboVaries_KlOnlyTheSameImageEverywhere()
    {
        // "With 12 points a side the grid runs from −1.7 to +1.7 on each axis ... The full ELBO ... turns the grid into
        // varied garments that change from tile to tile; ... KL-only decodes the same mean image everywhere."
        const int side = 12, cell = 28;
        var pictures = PngDataUri().Matches(notebook.Executed.Html("Lab.Manifold(")).Select(m => Plotting.PngReader.Decode(Convert.FromBase64String(m.Groups[1].Value))).ToArray();
        Assert.Equal(Runs.Length, pictures.Length);
        var rows = Plotting.FontReader.RowLabels(pictures[0], rows: side, columns: side, cell: cell, scale: 1);
        Assert.Equal("+1.7", rows[0]);
        Assert.Equal("-1.7", rows[^1]);

        var spread = pictures.Select(p => TileSpread(p, side, cell)).ToArray();
        Assert.True(spread[0] > 10 * spread[2] && spread[0] > 20, $"grey-level spread across tiles per run: {string.Join(", ", spread)}");
    }

    /// <summary>Standard deviation of each pixel across the tiles of a side × side grid, averaged over pixels (grey levels 0–255).</summary>
    private static double TileSpread(Plotting.DecodedPng png, int side, int cell, int padding = 2)
    {
        int left = png.Width - (side * (cell + padding) + padding), top = png.Height - (side * (cell + padding) + padding);
        double total = 0;
        for (int y = 0; y < cell; y++)
            for (int x = 0; x < cell; x++)
            {
                double sum = 0, sumOfSquares = 0;
                for (int row = 0; row < side; row++)
                    for (int column = 0; column < side; column++)
                    {
                        double v = png.Pixel(left + padding + column * (cell + padding) + x, top + padding + row * (cell + padding) + y)[0];
                        sum += v;
                        sumOfSquares += v * v;
                    }
                int n = side * side;
                total += Math.Sqrt(Math.Max(0, sumOfSquares / n - sum * sum / n / n));
            }
        return total / (cell * cell);
    }

    [GeneratedRegex("data:image/png;base64,([A-Za-z0-9+/=]+)")]
    private static partial Regex PngDataUri();
}
