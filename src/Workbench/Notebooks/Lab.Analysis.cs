using Workbench.Display;
using System.Globalization;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.Reports;
using Workbench.Models;
using Workbench.Plotting;
using Workbench.Plotting.Charts;

namespace Workbench.Notebooks;

// Measurements and comparisons of trained models.
public static partial class Lab
{
    /// <summary>
    /// The runs on the rate–distortion plane (Alemi et al. 2018): KL against reconstruction on the test set, labelled
    /// by β, with a dashed line of equal ELBO (slope −1, D + R = const) through each run.
    /// </summary>
    public static Figure RateDistortion(IEnumerable<LabRun> runs, string? title = "Rate–distortion on the test set") =>
        VaeCharts.RateDistortion(runs.Select(r => new RateDistortionPoint(r.Beta, RequireTest(r).Kl, RequireTest(r).Reconstruction)).ToList(), title, equalElboLines: true);

    /// <summary>Test-set KL of every latent dimension, one group of bars per run: collapsed dimensions sit at 0.</summary>
    public static Figure PerDimensionKl(IEnumerable<LabRun> runs, string? title = "KL per latent dimension (test set)") =>
        VaeCharts.PerDimensionKl(runs.Select(r => new KlPerDimension(r.Name, RequireTest(r).KlPerDimension)).ToList(), title);

    /// <summary>
    /// Each run's KL weight through training (drawn from its schedule) and test KL per epoch: how warm-up,
    /// cyclical and capacity schedules steer the KL. Capacity annealing has no weight; its target C is drawn black and dashed, in the legend.
    /// </summary>
    public static Figure KlSchedules(IEnumerable<LabRun> runs, string? title = "KL weight schedules and the KL they produce")
    {
        var list = runs.ToList();
        if (list.Count == 0) throw new ArgumentException("Give at least one run.", nameof(runs));
        var epochs = list[0].History.Select(m => m.Epoch).ToArray();
        if (list.Any(r => r.History.Count != epochs.Length)) throw new ArgumentException("Every run must have trained for the same number of epochs.", nameof(runs));
        return VaeCharts.KlScheduleComparison(epochs, list.Select(r => ComparisonFigures.KlScheduleSeriesOf(
            r.Name, r.Model.Objective.KlPenalty ?? new Models.Kl.WeightedKl(new Models.Kl.ConstantKlWeight(1f)), r.History, r.Options.Epochs, m => m.TestKl ?? m.TrainKl)).ToList(), title);
    }

    /// <summary>Active units (Burda et al. 2016): the latent dimensions whose μ varies across images.</summary>
    public static ActiveUnitsEvaluation ActiveUnits(VariationalAutoencoder model, ImageDataset data, double threshold = 0.01) =>
        Evaluation.ActiveUnits.Evaluate(model, data, threshold);

    /// <summary>
    /// The importance-weighted bound −L_k for each k on the first <paramref name="images"/> test images, with
    /// the −ELBO of the same images for reference; prints each value. The bound tightens as k grows.
    /// </summary>
    /// <remarks>
    /// −L_1 is the −ELBO in expectation, but both are estimated from one random z per image (the −ELBO with its KL
    /// in closed form, −L_1 with a Monte Carlo one, from different draws), so the two printed numbers differ by
    /// sampling noise. Its size is printed and drawn as a bar of ±2 standard errors at k = 1: the standard error
    /// of −L_1, from two independent draws per image, √(Σ_i (a_i − b_i)² / 2) / N.
    /// </remarks>
    public static Figure IwaeVersusK(VariationalAutoencoder model, ImageDataset data, IEnumerable<int> ks, int images = 200, ulong seed = 0)
    {
        var subset = images < data.Count ? data.Subset(Enumerable.Range(0, images).ToArray()) : data;
        var samples = ks.ToArray();
        var bounds = new double[samples.Length];
        double elbo = Evaluator.Elbo(model, subset, seed: seed).NegativeElbo;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"−ELBO (one sample): {elbo:F3} nats on {subset.Count} images"));
        for (int i = 0; i < samples.Length; i++)
        {
            bounds[i] = ImportanceWeightedBound.Evaluate(model, subset, samples[i], seed).NegativeLogLikelihoodBound;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"k = {samples[i],4}: −L_k = {bounds[i]:F3} nats"));
        }
        var first = ImportanceWeightedBound.PerImage(model, subset, 1, seed);
        var second = ImportanceWeightedBound.PerImage(model, subset, 1, seed + 1);
        double standardError = Math.Sqrt(first.Zip(second, (a, b) => (a - b) * (a - b)).Sum() / 2) / subset.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampling noise: standard error of −L_1 = {standardError:F3} nats"));
        return VaeCharts.ImportanceWeightedBound(samples, bounds, elbo, standardErrorAtOne: standardError);
    }

    /// <summary>
    /// The importance-weighted bound −L_k of each run for each k on the first <paramref name="images"/> images
    /// of <paramref name="data"/>, in one chart (and printed): it goes through each model's own prior and
    /// posterior, so runs with different priors compare fairly.
    /// </summary>
    public static Figure CompareBounds(IEnumerable<LabRun> runs, ImageDataset data, IEnumerable<int> ks, int images = 200, ulong seed = 0)
    {
        var list = runs.ToList();
        var samples = ks.ToArray();
        var subset = images < data.Count ? data.Subset(Enumerable.Range(0, images).ToArray()) : data;
        var series = new List<BoundSeries>();
        foreach (var run in list)
        {
            var bounds = samples.Select(k => ImportanceWeightedBound.Evaluate(run.Model, subset, k, seed).NegativeLogLikelihoodBound).ToArray();
            var values = samples.Zip(bounds, (k, b) => string.Create(CultureInfo.InvariantCulture, $"−L_{k} = {b:F3}"));
            Console.WriteLine($"{run.Name}: {string.Join(", ", values)} nats on {subset.Count} images");
            series.Add(new BoundSeries(run.Name, bounds));
        }
        return VaeCharts.ImportanceWeightedBounds(samples, series);
    }

    /// <summary>
    /// The runs' test-set numbers in one table: reconstruction, KL, −ELBO, mean posterior σ and active units; when a
    /// run's objective leaves a reported term out of training (an ablation), a last column says which.
    /// </summary>
    public static HtmlTable Compare(IEnumerable<LabRun> runs, ImageDataset test, string? caption = "Test set, nats per image")
    {
        var list = runs.ToList();
        bool notes = list.Any(r => r.Model.Objective.NotTrained is not null);
        string[] columns = ["run", "objective", "latent", "reconstruction", "KL", "−ELBO", "mean posterior σ", "active units"];
        var table = new HtmlTable(notes ? [.. columns, "not trained by its loss"] : columns, caption);
        foreach (var r in list)
        {
            var t = RequireTest(r);
            object?[] cells = [r.Name, r.Objective, r.Model.LatentSize, t.Reconstruction, t.Kl, t.NegativeElbo,
                r.MeanPosteriorSigma, Evaluation.ActiveUnits.Evaluate(r.Model, test).Count];
            table.AddRow(notes ? [.. cells, r.Model.Objective.NotTrained ?? "–"] : cells);
        }
        return table;
    }

    /// <summary>
    /// The conditional-generation check: trains a classifier on <paramref name="train"/>, reports its accuracy
    /// on <paramref name="test"/>, then the fraction of the model's samples of each class it labels as that class.
    /// </summary>
    public static ConditionalGenerationResult ConditionalAccuracy(VariationalAutoencoder model, ImageDataset train, ImageDataset test,
        int samplesPerClass = 100, int classifierHidden = 128, int classifierEpochs = 3, ulong seed = 0)
    {
        var classifier = ImageClassifier.Train(train, classifierHidden, classifierEpochs, seed: seed + 1);
        return ConditionalGenerationCheck.Evaluate(model, classifier, samplesPerClass, seed, classifier.Accuracy(test));
    }

    private static ElboEvaluation RequireTest(LabRun run) =>
        run.Test ?? throw new InvalidOperationException($"Run '{run.Name}' was trained without a test set; pass one to Lab.Train.");
}
