using Workbench.Data;
using Workbench.Models;
using Workbench.Display;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>Activity of each latent dimension: A_d = Cov_x(E_q[z_d]) (the variance of μ_d across images).</summary>
/// <param name="Activity">A_d per dimension. (latent)</param>
/// <param name="Threshold">A dimension is active when A_d exceeds this (0.01 in Burda et al. 2016).</param>
[TypeFormatterSource(typeof(HtmlFormatterSource<ActiveUnitsEvaluation>), PreferredMimeTypes = ["text/html"])]
public sealed record ActiveUnitsEvaluation(float[] Activity, double Threshold) : IHtmlDisplayable
{
    /// <summary>Number of active dimensions.</summary>
    public int Count => Activity.Count(a => a > Threshold);

    /// <summary>Whether E_q[z] behind the activity is a Monte-Carlo estimate (a flow posterior, <see cref="Models.Posteriors.Posterior.MomentsAreEstimates"/>).</summary>
    public bool MeansAreEstimates { get; init; }

    /// <summary>
    /// Active dimensions per block of consecutive dimensions, e.g. per stochastic layer of a hierarchical latent
    /// [z_1, …, z_L] (Burda et al. 2016 count them per layer): <paramref name="blockSizes"/> must add up to the latent size.
    /// </summary>
    public int[] CountPerBlock(IReadOnlyList<int> blockSizes)
    {
        if (blockSizes.Sum() != Activity.Length)
            throw new ArgumentException($"The blocks [{string.Join(", ", blockSizes)}] cover {blockSizes.Sum()} dimensions; the latent has {Activity.Length}.");
        var counts = new int[blockSizes.Count];
        int start = 0;
        for (int l = 0; l < blockSizes.Count; l++)
        {
            counts[l] = Activity.Skip(start).Take(blockSizes[l]).Count(a => a > Threshold);
            start += blockSizes[l];
        }
        return counts;
    }

    /// <summary>A row per dimension: its activity and whether it counts as active.</summary>
    public string ToHtml()
    {
        var table = new HtmlTable(["dimension", "activity Cov(μ_d)", "active"], $"{Count} of {Activity.Length} latent dimensions active (threshold {Threshold:G3})" +
            (MeansAreEstimates ? $"; E_q[z] estimated from {Models.Posteriors.FlowPosterior.MomentSamples} draws per image" : ""));
        for (int d = 0; d < Activity.Length; d++) table.AddRow($"z{d}", Activity[d], Activity[d] > Threshold ? "yes" : "no");
        return table.ToHtml();
    }
}

/// <summary>Active units (Burda et al. 2016): how many latent dimensions the encoder actually uses.</summary>
public static class ActiveUnits
{
    public static ActiveUnitsEvaluation Evaluate(VariationalAutoencoder model, ImageDataset data, double threshold = 0.01, int batchSize = 500)
    {
        if (data.Count < 2) throw new ArgumentException("Active units need at least two images.");
        int latent = model.LatentSize;
        var sum = new double[latent];
        var sumOfSquares = new double[latent];
        bool estimated = false;
        Evaluator.ForEachBatch(model, data, batchSize, new BufferPool(), (_, count, images, condition) =>
        {
            var posterior = model.Encode(images, condition);
            estimated |= posterior.MomentsAreEstimates;
            var mean = posterior.Mean.Span; // (B, latent)
            for (int b = 0; b < count; b++)
                for (int d = 0; d < latent; d++)
                {
                    double m = mean[b * latent + d];
                    sum[d] += m;
                    sumOfSquares[d] += m * m;
                }
        });
        int n = data.Count;
        var activity = new float[latent];
        for (int d = 0; d < latent; d++)
            activity[d] = (float)((sumOfSquares[d] - sum[d] * sum[d] / n) / (n - 1)); // unbiased variance
        return new ActiveUnitsEvaluation(activity, threshold) { MeansAreEstimates = estimated };
    }
}
