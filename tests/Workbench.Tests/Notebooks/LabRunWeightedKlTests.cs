using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.Models;
using Workbench.Models.Kl;
using Workbench.Notebooks;
using Workbench.Plotting.Charts;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Notebooks;

/// <summary>
/// The ELBO figure of a run trained with β ≠ 1 draws β·KL, the KL term the optimiser minimised, beside the KL;
/// a run's per-step log is read through <see cref="LabRun.Steps"/>.
/// </summary>
[Collection(nameof(LabRunLoggingTests))] // Lab's results root is process-wide
public class LabRunWeightedKlTests
{
    private static TrainingOptions Options => new() { Epochs = 2, BatchSize = 50, Seed = 3 };

    [Fact]
    public void ElboFigure_BetaFour_DrawsBetaTimesKlInTheKlPanel()
    {
        using var dir = new TempDirectory();
        Lab.LogRunsTo("weighted-kl", dir.Path);
        var (train, test) = Lab.LoadFashionMnistSubset(300, 100);
        var run = Lab.Train(new BetaVaeConfig { HiddenSizes = [32], LatentSize = 2, Beta = 4f }, Options, train, test, name: "β=4");

        var figure = Lab.ElboFigure(run);

        var weighted = Assert.Single(figure.Data, t => t.Name == VaeCharts.WeightedKlName);
        var scatter = Assert.IsType<Workbench.Plotting.Scatter>(weighted);
        Assert.Equal("x2", scatter.XAxis);
        Assert.Equal("y2", scatter.YAxis);
        // β·KL is train loss − train reconstruction: four times the KL drawn beside it.
        for (int i = 0; i < run.History.Count; i++)
            Assert.Equal(4 * run.History[i].TrainKl, scatter.Y!.NumberAt(i), 1e-3 * run.History[i].TrainKl);
    }

    [Fact]
    public void ElboFigure_BetaOne_DrawsNoWeightedKl()
    {
        using var dir = new TempDirectory();
        Lab.LogRunsTo("unweighted-kl", dir.Path);
        var (train, test) = Lab.LoadFashionMnistSubset(300, 100);
        var run = Lab.Train(new VaeConfig { HiddenSizes = [32], LatentSize = 2 }, Options, train, test, name: "β=1");

        Assert.DoesNotContain(Lab.ElboFigure(run).Data, t => t.Name == VaeCharts.WeightedKlName);
    }

    [Fact]
    public void WeightedKl_CapacityAnnealing_DrawsNone()
    {
        EpochMetrics Epoch(int epoch) => new()
        {
            Epoch = epoch, Step = 10L * epoch, TrainLoss = 300, TrainReconstruction = 250, TrainKl = 5, KlWeight = 1000, KlTarget = epoch,
            KlPerDimension = [5f], Seconds = 1,
        };
        Assert.Null(RunArtifacts.WeightedKl([Epoch(1), Epoch(2)]));
    }

    [Fact]
    public void Steps_TrainedRun_ReadsTheRunFoldersStepLog()
    {
        using var dir = new TempDirectory();
        Lab.LogRunsTo("steps", dir.Path);
        var (train, test) = Lab.LoadFashionMnistSubset(300, 100);
        var run = Lab.Train(new VaeConfig { HiddenSizes = [32], LatentSize = 2 }, Options, train, test, name: "steps");

        Assert.NotEmpty(run.Steps);
        Assert.Equal(StepLog.Read(run.Folder!), run.Steps);
        Assert.Equal(run.History[^1].Step, run.Steps[^1].Step);
        Assert.Equal(Enumerable.Range(1, 2), run.Steps.Select(s => s.Epoch).Distinct());
        Assert.Same(run.Steps, run.Steps); // read once
    }
}
