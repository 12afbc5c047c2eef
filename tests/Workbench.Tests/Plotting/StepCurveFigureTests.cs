using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.Plotting.Charts;
using Workbench.Tests.Experiments;
using Workbench.Training;

namespace Workbench.Tests.Plotting;

/// <summary>The per-step training curves in the ELBO-components and KL-schedule figures, drawn in headless Chromium.</summary>
public class StepCurveFigureTests
{
    private static EpochMetrics Epoch(int epoch, double kl) => new()
    {
        Epoch = epoch, Step = 4L * epoch, TrainLoss = 100 + kl, TrainReconstruction = 100, TrainKl = kl, KlWeight = 1,
        TestLoss = 101 + kl, TestReconstruction = 101, TestKl = kl, KlPerDimension = [(float)kl], Seconds = 1,
    };

    private static StepMetrics Step(long step) => new()
    {
        Step = step, Epoch = (int)((step + 3) / 4), Loss = 100 + step, Reconstruction = 100, Kl = 0.1 * step,
        KlWeight = step % 4 / 4.0, LearningRate = 1e-3, Seconds = step,
    };

    [ChromiumFact]
    public async Task ElboFigure_WithSteps_DrawsPerStepLineWithIntegerEpochTicksAndKlFromZero()
    {
        var history = new[] { Epoch(1, 0.3), Epoch(2, 0.35) };
        var steps = Enumerable.Range(1, 8).Select(i => Step(i)).ToArray();
        var figure = RunArtifacts.ElboFigure(history, "tiny / run: ELBO components", steps);

        var perStep = figure.Data.Single(t => t.Name == "train, per step" && t.ShowLegend != false);
        Assert.NotNull(perStep);

        var drawn = await FigureInBrowser.Draw(figure);
        Assert.Equal(["train, per step", "train, epoch mean", "test"], drawn.Legend);
        Assert.Contains("tiny / run: ELBO components", drawn.Texts);
        Assert.Contains("KL(q(z|x) ‖ p(z))", drawn.Texts);
        Assert.Equal(3, drawn.Texts.Count(t => t == "epoch"));
        foreach (var axis in new[] { "xaxis", "xaxis2", "xaxis3" })
            Assert.All(drawn.TickLabels[axis], label => Assert.True(int.TryParse(label, out _), $"{axis} tick '{label}' is not a whole epoch"));
        // The KL panel is a rate: its axis starts at 0, so 0.3 to 0.8 nats do not fill it.
        Assert.Equal(0, drawn.Ranges["yaxis2"][0]);
    }

    [ChromiumFact]
    public async Task KlScheduleComparison_WithSteps_DrawsWeightAndKlPerStep()
    {
        double[] x = Enumerable.Range(1, 8).Select(i => i / 4.0).ToArray();
        var series = new KlScheduleSeries("cyclical", new double[] { 0.75, 0.75 }, new double[] { 0.3, 0.35 },
            WeightAt: (x, x.Select(v => v % 1).ToArray()), KlAt: (x, x.Select(v => 0.1 * v).ToArray()));
        var figure = VaeCharts.KlScheduleComparison(new[] { 1, 2 }, [series]);

        Assert.Contains(figure.Data, t => t.Name == "cyclical KL per step");
        var drawn = await FigureInBrowser.Draw(figure);
        Assert.Equal(["cyclical"], drawn.Legend);
        Assert.Contains("KL weight β(t)", drawn.Texts);
        Assert.All(drawn.TickLabels["xaxis2"], label => Assert.True(int.TryParse(label, out _), $"tick '{label}' is not a whole epoch"));
        Assert.Equal(0, drawn.Ranges["yaxis"][0]);
        Assert.Equal(0, drawn.Ranges["yaxis2"][0]);
    }
}
