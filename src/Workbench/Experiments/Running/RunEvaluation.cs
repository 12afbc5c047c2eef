using System.Text.Json;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.IO;

namespace Workbench.Experiments.Running;

/// <summary>
/// <c>eval.json</c>: a finished run measured again on its test set, with the importance-weighted
/// bound at a chosen k. Losses are nats per image.
/// </summary>
public sealed record RunEvaluation
{
    public const string FileName = "eval.json";

    public required string Run { get; init; }
    public required int TestImages { get; init; }
    /// <summary>The training objective on the test set (the final KL weight).</summary>
    public required double TestLoss { get; init; }
    public required double TestReconstruction { get; init; }
    public required double TestKl { get; init; }
    /// <summary>Reconstruction + KL: −ELBO.</summary>
    public required double TestNegativeElbo { get; init; }
    /// <summary>−L_k of Burda et al. (2016), an upper bound on −log p(x); null when k = 0.</summary>
    public double? ImportanceWeightedBound { get; init; }
    public int ImportanceSamples { get; init; }
    public int ImportanceImages { get; init; }
    public required int ActiveUnits { get; init; }
    public required int LatentSize { get; init; }
    public required float[] Activity { get; init; }
    public required float[] KlPerDimension { get; init; }
    /// <summary>The Mutual Information Gap on the test sprites (Chen et al. 2018); null for data without known factors.</summary>
    public double? Mig { get; init; }
    public required DateTimeOffset Evaluated { get; init; }

    /// <summary>
    /// Measures <paramref name="run"/> on <paramref name="test"/>: ELBO terms, active units and, when
    /// <paramref name="samples"/> &gt; 0, the k-sample bound on the first <paramref name="images"/> test images.
    /// </summary>
    public static RunEvaluation Measure(TrainedRun run, ImageDataset test, int samples, int images, IProgress<double>? progress = null)
    {
        var d = run.Definition;
        var elbo = Evaluator.Elbo(run.Model, test, seed: d.Training.Seed);
        var active = Evaluation.ActiveUnits.Evaluate(run.Model, test, d.Evaluation.ActiveUnitThreshold);
        ImportanceWeightedEvaluation? iwae = null;
        if (samples > 0)
        {
            var subset = images < test.Count ? test.Subset(Enumerable.Range(0, images).ToArray()) : test;
            iwae = Evaluation.ImportanceWeightedBound.Evaluate(run.Model, subset, samples, seed: d.Training.Seed, progress: progress);
        }
        // Sprites know their generative factors: the run's disentanglement is measured (and disentanglement.json rewritten).
        var disentanglement = RunDisentanglement.Measure(run.Model, d.Data);
        return new RunEvaluation
        {
            Disentanglement = disentanglement,
            Mig = disentanglement?.Mig,
            Run = run.Id,
            TestImages = test.Count,
            TestLoss = elbo.Loss,
            TestReconstruction = elbo.Reconstruction,
            TestKl = elbo.Kl,
            TestNegativeElbo = elbo.NegativeElbo,
            ImportanceWeightedBound = iwae?.NegativeLogLikelihoodBound,
            ImportanceSamples = iwae?.Samples ?? 0,
            ImportanceImages = iwae?.Images ?? 0,
            ActiveUnits = active.Count,
            LatentSize = run.Model.LatentSize,
            Activity = active.Activity,
            KlPerDimension = elbo.KlPerDimension,
            Evaluated = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>The MIG measurement behind <see cref="Mig"/>, saved beside eval.json as disentanglement.json.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public RunDisentanglement? Disentanglement { get; init; }

    /// <summary>Writes <c>eval.json</c> (and <c>disentanglement.json</c> when measured) atomically into the run folder; returns eval.json's path.</summary>
    public string Save(string runFolder)
    {
        Disentanglement?.Save(runFolder);
        var path = Path.Combine(runFolder, FileName);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, ExperimentJson.Options) + "\n");
        return path;
    }
}
