using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Plotting.Charts;

namespace Workbench.Experiments.Running;

/// <summary>How well one score tells the held-out class from the classes seen in training.</summary>
/// <param name="Score">negative-elbo, importance-weighted or reconstruction-error (<see cref="AnomalyScores"/>).</param>
/// <param name="Auroc">P(a held-out image scores above a seen one), ties one half.</param>
/// <param name="HeldOutMean">Mean score of the held-out class's test images.</param>
/// <param name="OthersMean">Mean score of the other classes' test images.</param>
/// <param name="BinEdges">Edges of the histogram bins, shared by both groups (the outermost bins take the tails).</param>
public sealed record AnomalyScoreSummary(string Score, double Auroc, double HeldOutMean, double OthersMean, double[] BinEdges, int[] HeldOutCounts, int[] OthersCounts);

/// <summary>
/// Anomaly detection with a VAE trained without one class (<c>anomaly.json</c> in the run folder): every
/// test image scored by −ELBO, the importance-weighted bound and the reconstruction error, and the AUROC
/// of each score for telling the held-out class from the rest.
/// </summary>
public sealed record AnomalyDetection(int HeldOutClass, string ClassName, int Images, int HeldOutImages, int ImportanceSamples, AnomalyScoreSummary[] Scores)
{
    public const string FileName = "anomaly.json";

    /// <summary>Histogram bins per score.</summary>
    public const int Bins = 40;

    /// <summary>Scores <paramref name="test"/> (all classes) with <paramref name="model"/> and summarises each score.</summary>
    /// <param name="importanceSamples">k of the importance-weighted score; 0 leaves it out.</param>
    public static AnomalyDetection Evaluate(VariationalAutoencoder model, ImageDataset test, int heldOutClass, int importanceSamples, ulong seed) =>
        Summarise(AnomalyScores.Compute(model, test, importanceSamples, seed), heldOutClass, test.ClassNames);

    /// <summary>The AUROC, group means and histograms of each score for <paramref name="heldOutClass"/> against the rest.</summary>
    public static AnomalyDetection Summarise(AnomalyScores scores, int heldOutClass, IReadOnlyList<string> classNames)
    {
        var positive = scores.Labels.Select(l => l == heldOutClass).ToArray();
        var summaries = scores.All().Select(s => Summarise(s.Name, s.Values, positive)).ToArray();
        return new AnomalyDetection(heldOutClass, classNames[heldOutClass], scores.Labels.Length, positive.Count(p => p), scores.ImportanceSamples, summaries);
    }

    private static AnomalyScoreSummary Summarise(string name, double[] values, bool[] positive)
    {
        // Bins over the 0.5 %–99.5 % range of all scores, so a few extreme images do not squash the rest.
        var sorted = values.Order().ToArray();
        double low = sorted[(int)(0.005 * (sorted.Length - 1))], high = sorted[(int)Math.Ceiling(0.995 * (sorted.Length - 1))];
        if (!(high > low)) high = low + 1;
        var edges = Enumerable.Range(0, Bins + 1).Select(b => low + (high - low) * b / Bins).ToArray();
        int[] heldOut = new int[Bins], others = new int[Bins];
        double heldOutSum = 0, othersSum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            int bin = Math.Clamp((int)((values[i] - low) / (high - low) * Bins), 0, Bins - 1);
            if (positive[i]) { heldOut[bin]++; heldOutSum += values[i]; }
            else { others[bin]++; othersSum += values[i]; }
        }
        int heldOutCount = heldOut.Sum(), othersCount = others.Sum();
        return new AnomalyScoreSummary(name, Auroc.Compute(values, positive), heldOutSum / heldOutCount, othersSum / othersCount, edges, heldOut, others);
    }

    /// <summary>The AUROC of the named score, or null when it was not computed.</summary>
    public double? AurocOf(string score) => Scores.FirstOrDefault(s => s.Score == score)?.Auroc;

    /// <summary>This run's scores as histograms, titled by class, score and AUROC.</summary>
    public IEnumerable<ScoreHistogram> Histograms() => Scores.Select(s =>
        new ScoreHistogram(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ClassName}, {Symbol(s.Score)}: AUROC {s.Auroc:F2}"),
            Axis(s.Score), s.BinEdges, s.HeldOutCounts, s.OthersCounts));

    /// <summary>A score's short name for titles and legends: −ELBO, −L_k, reconstruction error.</summary>
    public string Symbol(string score) => score switch
    {
        AnomalyScores.NegativeElboName => "−ELBO",
        AnomalyScores.ImportanceWeightedName => $"−L_{ImportanceSamples}",
        AnomalyScores.ReconstructionErrorName => "reconstruction error",
        _ => score,
    };

    /// <summary>A score's axis title with its unit.</summary>
    private string Axis(string score) => score == AnomalyScores.ReconstructionErrorName ? "Σ (x − x̂)²" : $"{Symbol(score)} [nats]";
}
