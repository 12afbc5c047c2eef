using System.Globalization;
using Workbench.Data;
using Workbench.Display;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>
/// The Mutual Information Gap of Chen, Li, Grosse &amp; Duvenaud (2018, "Isolating Sources of
/// Disentanglement in VAEs"), estimated as common practice does (Locatello et al. 2019,
/// disentanglement_lib): each latent dimension's code (the posterior mean μ_d(x)) is discretised into
/// equal-width bins over its observed range, I(z_d; v_k) is the plug-in mutual information between
/// the binned code and factor k, and for each factor the gap between the two most informative
/// dimensions is divided by the factor's entropy H(v_k). MIG is the mean over factors: 1 when every
/// factor is captured by exactly one dimension and no other dimension knows anything about it, near 0
/// when the information about a factor is spread over several dimensions.
/// </summary>
public static class MutualInformationGap
{
    /// <summary>Bins per latent dimension, as in disentanglement_lib.</summary>
    public const int DefaultBins = 20;

    /// <summary>MIG of the codes <paramref name="codes"/> (N, latent), row-major, against the factors (N, K).</summary>
    /// <param name="factorNames">One name per factor column; null names them v0, v1, ….</param>
    public static MigResult Compute(ReadOnlySpan<float> codes, int latentSize, int[,] factors, int bins = DefaultBins, IReadOnlyList<string>? factorNames = null)
    {
        int count = factors.GetLength(0), factorCount = factors.GetLength(1);
        if (latentSize < 2) throw new ArgumentException($"MIG needs at least two latent dimensions (a gap between the two best); got {latentSize}.");
        if (codes.Length != (long)count * latentSize)
            throw new ArgumentException($"The codes must hold {count} × {latentSize} values (one row per factor row); got {codes.Length}.");
        if (count < 2) throw new ArgumentException($"MIG needs at least two images; got {count}.");
        if (bins < 2) throw new ArgumentOutOfRangeException(nameof(bins), bins, "Discretising needs at least 2 bins.");
        if (factorNames is not null && factorNames.Count != factorCount)
            throw new ArgumentException($"{factorNames.Count} factor names for {factorCount} factor columns.");

        var binned = Discretise(codes, latentSize, count, bins);       // (latent) × N bin indices
        var mutualInformation = new double[latentSize, factorCount];   // nats
        var entropy = new double[factorCount];
        for (int k = 0; k < factorCount; k++)
        {
            var factor = new int[count];
            for (int i = 0; i < count; i++) factor[i] = factors[i, k];
            entropy[k] = Entropy(factor);
            for (int d = 0; d < latentSize; d++) mutualInformation[d, k] = MutualInformation(binned[d], factor);
        }

        var gaps = new double[factorCount];
        var best = new int[factorCount];
        for (int k = 0; k < factorCount; k++)
        {
            var order = Enumerable.Range(0, latentSize).OrderByDescending(d => mutualInformation[d, k]).ThenBy(d => d).ToArray();
            best[k] = order[0];
            // A constant factor carries no information to separate; its gap is 0 rather than 0/0.
            gaps[k] = entropy[k] > 0 ? (mutualInformation[order[0], k] - mutualInformation[order[1], k]) / entropy[k] : 0;
        }
        var names = factorNames?.ToArray() ?? Enumerable.Range(0, factorCount).Select(k => $"v{k}").ToArray();
        return new MigResult(gaps.Average(), gaps, mutualInformation, entropy, names, best, bins, count);
    }

    /// <summary>MIG of <paramref name="model"/>'s posterior means μ(x) on the sprites <paramref name="data"/> against their known factors.</summary>
    public static MigResult Evaluate(VariationalAutoencoder model, SpritesDataset data, int bins = DefaultBins, int batchSize = 500)
    {
        if (data.Count < 2) throw new ArgumentException($"MIG needs at least two sprites; got {data.Count}.");
        var codes = PosteriorMeans(model, data.Images, batchSize);
        return Compute(codes, model.LatentSize, data.Factors, bins, data.FactorNames);
    }

    /// <summary>μ(x) of every image, in batches. (N·latent), row-major.</summary>
    public static float[] PosteriorMeans(VariationalAutoencoder model, ImageDataset data, int batchSize = 500)
    {
        var codes = new float[(long)data.Count * model.LatentSize];
        using var _ = GradMode.NoGrad();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            var (images, condition) = Batching.Make(model, data, Batching.Sequential(start, count));
            model.Encode(images, condition).Mean.Span.CopyTo(codes.AsSpan(start * model.LatentSize, count * model.LatentSize));
        }
        return codes;
    }

    /// <summary>
    /// Each dimension's values binned into <paramref name="bins"/> equal-width bins over [min, max] of that
    /// dimension (the last bin closed), as numpy's histogram edges with digitize do. A constant dimension
    /// falls in one bin.
    /// </summary>
    public static int[][] Discretise(ReadOnlySpan<float> codes, int latentSize, int count, int bins)
    {
        var result = new int[latentSize][];
        for (int d = 0; d < latentSize; d++)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int i = 0; i < count; i++)
            {
                double v = codes[i * latentSize + d];
                if (!double.IsFinite(v)) throw new ArgumentException($"Code {i} has a non-finite value {v} in dimension {d}.");
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
            var column = result[d] = new int[count];
            double width = (max - min) / bins;
            if (width <= 0) continue;
            for (int i = 0; i < count; i++)
                column[i] = Math.Min(bins - 1, (int)((codes[i * latentSize + d] - min) / width));
        }
        return result;
    }

    /// <summary>The plug-in entropy −Σ p log p of the empirical distribution of <paramref name="values"/>, nats.</summary>
    public static double Entropy(IReadOnlyList<int> values)
    {
        if (values.Count == 0) throw new ArgumentException("The entropy of no values is undefined.");
        double n = values.Count, h = 0;
        foreach (var c in values.CountBy(v => v))
        {
            double p = c.Value / n;
            h -= p * Math.Log(p);
        }
        return h;
    }

    /// <summary>
    /// The plug-in mutual information Σ p(a, b) log [p(a, b) / (p(a) p(b))] of the empirical joint
    /// distribution of the pairs (a_i, b_i), nats (what sklearn's mutual_info_score computes).
    /// </summary>
    public static double MutualInformation(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"Both variables need one value per sample; got {a.Count} and {b.Count}.");
        if (a.Count == 0) throw new ArgumentException("The mutual information of no samples is undefined.");
        double n = a.Count;
        var countA = a.CountBy(v => v).ToDictionary();
        var countB = b.CountBy(v => v).ToDictionary();
        double mi = 0;
        foreach (var pair in Enumerable.Range(0, a.Count).CountBy(i => (a[i], b[i])))
        {
            double joint = pair.Value / n;
            mi += joint * Math.Log(joint * n * n / ((double)countA[pair.Key.Item1] * countB[pair.Key.Item2]));
        }
        return Math.Max(0, mi); // rounding can leave −1e-17 for independent variables
    }
}

/// <summary>What <see cref="MutualInformationGap"/> measured.</summary>
/// <param name="Mig">The mean of <see cref="Gaps"/>, in [0, 1].</param>
/// <param name="Gaps">Per factor: (I(z_best; v) − I(z_second; v)) / H(v).</param>
/// <param name="MutualInformation">I(z_d; v_k), nats, (latent, factors).</param>
/// <param name="FactorEntropy">H(v_k), nats.</param>
/// <param name="FactorNames">Names of the factors, in column order.</param>
/// <param name="BestDimension">Per factor: the dimension with the most information about it.</param>
/// <param name="Bins">Bins per latent dimension.</param>
/// <param name="Samples">Images the estimate used.</param>
[TypeFormatterSource(typeof(HtmlFormatterSource<MigResult>), PreferredMimeTypes = ["text/html"])]
public sealed record MigResult(double Mig, double[] Gaps, double[,] MutualInformation, double[] FactorEntropy, string[] FactorNames, int[] BestDimension, int Bins, int Samples)
    : IHtmlDisplayable
{
    public int LatentSize => MutualInformation.GetLength(0);

    /// <summary>I(z_d; v_k) / H(v_k): the fraction of factor k's entropy that dimension d captures.</summary>
    public double Normalised(int dimension, int factor) =>
        FactorEntropy[factor] > 0 ? MutualInformation[dimension, factor] / FactorEntropy[factor] : 0;

    /// <summary>One row per factor: its entropy, the dimension that knows most about it and the normalised gap; MIG in the caption.</summary>
    public string ToHtml()
    {
        var table = new HtmlTable(["factor", "H(v) [nats]", "best dimension", "I(z_best; v)/H(v)", "gap / H(v)"],
            string.Create(CultureInfo.InvariantCulture, $"MIG = {Mig:0.000} ({Samples} images, {Bins} bins per dimension)"));
        for (int k = 0; k < FactorNames.Length; k++)
            table.AddRow(FactorNames[k], FactorEntropy[k], "z" + BestDimension[k].ToString(CultureInfo.InvariantCulture), Normalised(BestDimension[k], k), Gaps[k]);
        return table.ToHtml();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"MIG {Mig:0.000} ({Samples} images)");

    /// <summary>For dimension <paramref name="dimension"/>: the factor it knows most about (highest normalised MI) and that fraction.</summary>
    public (string Factor, double Normalised) FactorOf(int dimension)
    {
        int best = Enumerable.Range(0, FactorNames.Length).OrderByDescending(k => Normalised(dimension, k)).ThenBy(k => k).First();
        return (FactorNames[best], Normalised(dimension, best));
    }
}
