namespace Workbench.Tests.Notebooks;

public sealed class QuickstartAtDefaults : NotebookAtDefaults
{
    protected override string Name => "01-quickstart";
}

/// <summary>notebooks/01-quickstart.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public class QuickstartNotebookTests(QuickstartAtDefaults notebook) : IClassFixture<QuickstartAtDefaults>
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
}
