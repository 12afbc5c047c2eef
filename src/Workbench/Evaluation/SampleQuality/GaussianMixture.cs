using Workbench.Tensors;

namespace Workbench.Evaluation.SampleQuality;

/// <summary>
/// A mixture of Gaussians with diagonal covariances, Σ_k π_k N(x; μ_k, diag σ_k²), fitted by
/// expectation–maximisation (Dempster et al. 1977; Bishop, PRML §9.2). Fitted to the encoder means
/// μ(x) of the training set it is the ex-post density estimate of Ghosh et al. (2020): sampling
/// z from it instead of from N(0, I) draws from where the aggregate posterior actually puts its mass.
/// Parameters in double precision.
/// </summary>
public sealed class GaussianMixture
{
    private GaussianMixture(double[] weights, double[] means, double[] variances, int dimensions, double[] logLikelihoods)
    {
        Weights = weights;
        Means = means;
        Variances = variances;
        Dimensions = dimensions;
        LogLikelihoodHistory = logLikelihoods;
    }

    /// <summary>π_k (K), summing to 1.</summary>
    public double[] Weights { get; }

    /// <summary>μ_k (K × d), row-major.</summary>
    public double[] Means { get; }

    /// <summary>σ_k² (K × d), row-major.</summary>
    public double[] Variances { get; }

    public int Dimensions { get; }
    public int Components => Weights.Length;

    /// <summary>Mean log-likelihood per point, nats, before each M-step: EM never lets it fall.</summary>
    public IReadOnlyList<double> LogLikelihoodHistory { get; }

    /// <summary>Smallest variance a component may take, so a component on one point cannot collapse.</summary>
    public const double VarianceFloor = 1e-6;

    /// <summary>
    /// Fits <paramref name="components"/> Gaussians to the rows of <paramref name="points"/> (N, d):
    /// means start at distinct points chosen by the seed, variances at the data's, weights equal; EM runs
    /// until the mean log-likelihood gains less than <paramref name="tolerance"/> nats or for
    /// <paramref name="maxIterations"/> iterations.
    /// </summary>
    public static GaussianMixture Fit(Tensor points, int components, ulong seed = 1, int maxIterations = 200, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Rank != 2) throw new ArgumentException($"Points must be (N, d), got rank {points.Rank}.", nameof(points));
        int n = points.Dim(0), d = points.Dim(1);
        if (components < 1 || components > n)
            throw new ArgumentOutOfRangeException(nameof(components), components, $"The number of components must be between 1 and the number of points ({n}).");
        var x = points.Span.ToArray().Select(v => (double)v).ToArray();

        var weights = Enumerable.Repeat(1.0 / components, components).ToArray();
        var means = new double[components * d];
        var start = new Rng(seed).Permutation(n);
        for (int c = 0; c < components; c++) Array.Copy(x, start[c] * d, means, c * d, d);
        var variances = new double[components * d];
        for (int j = 0; j < d; j++)
        {
            double mean = 0, square = 0;
            for (int i = 0; i < n; i++) { mean += x[i * d + j]; square += x[i * d + j] * x[i * d + j]; }
            mean /= n;
            double variance = Math.Max(square / n - mean * mean, VarianceFloor);
            for (int c = 0; c < components; c++) variances[c * d + j] = variance;
        }

        var responsibilities = new double[n * components];
        var history = new List<double>();
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            // E-step: r_ik ∝ π_k N(x_i; μ_k, σ_k²), normalised by log-sum-exp.
            double logLikelihood = 0;
            var (constants, precisions) = Terms(weights, variances, d);
            var logDensity = new double[components];
            for (int i = 0; i < n; i++)
            {
                var row = x.AsSpan(i * d, d);
                for (int c = 0; c < components; c++)
                    logDensity[c] = constants[c] - 0.5 * Mahalanobis(row, means.AsSpan(c * d, d), precisions.AsSpan(c * d, d));
                double max = logDensity.Max(), sum = 0;
                for (int c = 0; c < components; c++) sum += Math.Exp(logDensity[c] - max);
                double logSum = max + Math.Log(sum);
                logLikelihood += logSum;
                for (int c = 0; c < components; c++) responsibilities[i * components + c] = Math.Exp(logDensity[c] - logSum);
            }
            logLikelihood /= n;
            history.Add(logLikelihood);
            if (history.Count > 1 && logLikelihood - history[^2] < tolerance) break;

            // M-step: weighted counts, means and variances.
            for (int c = 0; c < components; c++)
            {
                double count = 0;
                var mean = means.AsSpan(c * d, d);
                mean.Clear();
                for (int i = 0; i < n; i++)
                {
                    double r = responsibilities[i * components + c];
                    count += r;
                    for (int j = 0; j < d; j++) mean[j] += r * x[i * d + j];
                }
                if (count < 1e-12) // an empty component restarts on a point
                {
                    Array.Copy(x, start[c] * d, means, c * d, d);
                    weights[c] = 1e-12;
                    continue;
                }
                for (int j = 0; j < d; j++) mean[j] /= count;
                var variance = variances.AsSpan(c * d, d);
                variance.Clear();
                for (int i = 0; i < n; i++)
                {
                    double r = responsibilities[i * components + c];
                    for (int j = 0; j < d; j++) { double e = x[i * d + j] - mean[j]; variance[j] += r * e * e; }
                }
                for (int j = 0; j < d; j++) variance[j] = Math.Max(variance[j] / count, VarianceFloor);
                weights[c] = count / n;
            }
            double total = weights.Sum();
            for (int c = 0; c < components; c++) weights[c] /= total;
        }
        return new GaussianMixture(weights, means, variances, d, history.ToArray());
    }

    /// <summary>Mean log-density of the rows of <paramref name="points"/> (N, d) under the mixture, nats per point.</summary>
    public double MeanLogLikelihood(Tensor points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Rank != 2 || points.Dim(1) != Dimensions)
            throw new ArgumentException($"Points must be (N, {Dimensions}), got ({string.Join(", ", points.Shape)}).", nameof(points));
        int n = points.Dim(0), d = Dimensions;
        var x = points.Span;
        var (constants, precisions) = Terms(Weights, Variances, d);
        var row = new double[d];
        var logDensity = new double[Components];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) row[j] = x[i * d + j];
            for (int c = 0; c < Components; c++)
                logDensity[c] = constants[c] - 0.5 * Mahalanobis(row, Means.AsSpan(c * d, d), precisions.AsSpan(c * d, d));
            double max = logDensity.Max(), sum = 0;
            foreach (var l in logDensity) sum += Math.Exp(l - max);
            total += max + Math.Log(sum);
        }
        return total / n;
    }

    /// <summary><paramref name="count"/> draws: a component by its weight, then μ_k + σ_k ε. (count, d)</summary>
    public Tensor Sample(int count, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int d = Dimensions;
        var z = new float[count * d];
        for (int s = 0; s < count; s++)
        {
            double u = rng.NextDouble(), cumulative = 0;
            int c = 0;
            for (; c < Components - 1; c++)
            {
                cumulative += Weights[c];
                if (u < cumulative) break;
            }
            for (int j = 0; j < d; j++)
                z[s * d + j] = (float)(Means[c * d + j] + Math.Sqrt(Variances[c * d + j]) * rng.NextNormal());
        }
        return Tensor.FromArray(z, count, d);
    }

    /// <summary>Per component log π_k − ½ Σ_j log 2πσ²_kj, and the precisions 1/σ²_kj (K × d).</summary>
    private static (double[] Constants, double[] Precisions) Terms(double[] weights, double[] variances, int d)
    {
        var constants = new double[weights.Length];
        var precisions = new double[variances.Length];
        for (int c = 0; c < weights.Length; c++)
        {
            double logDeterminant = 0;
            for (int j = 0; j < d; j++)
            {
                logDeterminant += Math.Log(2 * Math.PI * variances[c * d + j]);
                precisions[c * d + j] = 1 / variances[c * d + j];
            }
            constants[c] = Math.Log(weights[c]) - 0.5 * logDeterminant;
        }
        return (constants, precisions);
    }

    /// <summary>Σ_j (x_j − μ_j)² / σ²_j.</summary>
    private static double Mahalanobis(ReadOnlySpan<double> x, ReadOnlySpan<double> mean, ReadOnlySpan<double> precision)
    {
        double sum = 0;
        for (int j = 0; j < x.Length; j++)
        {
            double e = x[j] - mean[j];
            sum += e * e * precision[j];
        }
        return sum;
    }
}
