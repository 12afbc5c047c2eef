using System.Globalization;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;

namespace Workbench.Experiments.Figures;

/// <summary>
/// Which latent dimensions a picture shows. A β-VAE leaves many dimensions collapsed (KL ≈ 0), so
/// scatters and traversals show the dimensions with the most KL, named z0, z1, … as everywhere else.
/// </summary>
public static class LatentDimensions
{
    /// <summary>The name of dimension <paramref name="index"/> (0-based), as in bars, tables, scatters and traversals.</summary>
    public static string Name(int index) => "z" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>KL per dimension on the first <paramref name="count"/> images of <paramref name="data"/>, nats; empty when the KL has no per-dimension form.</summary>
    public static float[] KlPerDimension(VariationalAutoencoder model, ImageDataset data, int count = 2000, ulong seed = 0)
    {
        var images = data.Count > count ? data.Subset(Enumerable.Range(0, count).ToArray()) : data;
        return Evaluator.Elbo(model, images, seed: seed).KlPerDimension;
    }

    /// <summary>
    /// How much each dimension is used, to rank them: the KL per dimension (nats) where the model's KL has
    /// a per-dimension form, else the activity Var_x(μ_d) of Burda et al. (2016) (a prior without a
    /// closed-form KL, such as the VampPrior). <c>Measure</c> names which, for titles.
    /// </summary>
    public static (float[] Scores, string Measure) Usage(VariationalAutoencoder model, ImageDataset data, int count = 2000, ulong seed = 0)
    {
        var kl = KlPerDimension(model, data, count, seed);
        if (kl.Length == model.LatentSize) return (kl, "KL");
        var images = data.Count > count ? data.Subset(Enumerable.Range(0, count).ToArray()) : data;
        return (ActiveUnits.Evaluate(model, images).Activity, "activity Var(μ)");
    }

    /// <summary>
    /// The <paramref name="count"/> dimensions with the most KL, most first (ties by index); the first
    /// ones when <paramref name="klPerDimension"/> is empty.
    /// </summary>
    public static int[] MostActive(IReadOnlyList<float> klPerDimension, int latentSize, int count)
    {
        count = Math.Min(count, latentSize);
        if (klPerDimension.Count != latentSize) return Enumerable.Range(0, count).ToArray();
        return Enumerable.Range(0, latentSize).OrderByDescending(d => klPerDimension[d]).ThenBy(d => d).Take(count).ToArray();
    }

    /// <summary>"z3 (2.10 nats)": a dimension and its KL.</summary>
    public static string Describe(int index, IReadOnlyList<float> klPerDimension) =>
        index < klPerDimension.Count
            ? string.Create(CultureInfo.InvariantCulture, $"{Name(index)} ({klPerDimension[index]:F2} nats)")
            : Name(index);
}
