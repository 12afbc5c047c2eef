namespace Workbench.Tests.Notebooks;

public sealed class AblationsAtDefaults : NotebookAtDefaults
{
    protected override string Name => "03-ablations";
}

/// <summary>notebooks/03-ablations.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public class AblationsNotebookTests(AblationsAtDefaults notebook) : IClassFixture<AblationsAtDefaults>
{
    private const string Full = "full ELBO", ReconstructionOnly = "reconstruction only", KlOnly = "KL only", Autoencoder = "deterministic AE";
    private static readonly string[] Runs = [Full, ReconstructionOnly, KlOnly, Autoencoder];

    private ExecutedNotebook.Table Numbers => Assert.Single(notebook.Executed.Tables("Lab.Compare(runs, test)"));

    [Fact]
    public void Notebook_RunsCleanly_WithItsFiguresAndPictures() => notebook.AssertRanCleanly(minFigures: 4, minPictures: 8);

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
        var figures = notebook.Executed.Figures("Lab.LatentScatter(");
        Assert.Equal(Runs.Length, figures.Count);
        var extent = figures.Select(f => f.SelectMany(trace => ExecutedNotebook.Values(trace!, "x").Zip(ExecutedNotebook.Values(trace!, "y"), (x, y) => Math.Max(Math.Abs(x), Math.Abs(y)))).ToArray()).ToArray();
        double WithinThree(int run) => extent[run].Count(a => a <= 3) / (double)extent[run].Length;

        // "the prior N(0, I) lives within about ±3. The full ELBO keeps the codes there"
        Assert.True(WithinThree(0) >= 0.95 && extent[0].Max() < 4, $"full ELBO: {WithinThree(0):P0} within ±3, largest {extent[0].Max()}");
        // "reconstruction-only and the autoencoder spread them far out"
        foreach (var run in new[] { 1, 3 })
            Assert.True(WithinThree(run) < 0.5 && extent[run].Max() > 6, $"{Runs[run]}: {WithinThree(run):P0} within ±3, largest {extent[run].Max()}");
        // "KL-only piles every image onto the origin"
        Assert.True(extent[2].Max() < 0.1, $"KL-only codes reach {extent[2].Max()}");
    }
}
