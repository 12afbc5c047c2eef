using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Tests.Support;

/// <summary>The exact marginal likelihood of a 2-D-latent Bernoulli VAE, by brute force: the oracle for the importance-weighted bound.</summary>
internal static class GridIntegration
{
    /// <summary>
    /// log p(x) = log ∫ p(x|z) p(z) dz by the midpoint rule on [−<paramref name="half"/>, <paramref name="half"/>]²
    /// with <paramref name="n"/>² cells, in double; <paramref name="logPrior"/> gives log p(z) at (z₀, z₁).
    /// <paramref name="image"/> is binary, so p(x|z) is a probability.
    /// </summary>
    public static double LogMarginal(VariationalAutoencoder model, ReadOnlySpan<float> image, Func<double, double, double> logPrior, int n, double half)
    {
        double low = -half, width = 2 * half / n;
        var z = new float[n * n * 2];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                z[(i * n + j) * 2] = (float)(low + (i + 0.5) * width);
                z[(i * n + j) * 2 + 1] = (float)(low + (j + 0.5) * width);
            }
        Tensor logits;
        using (GradMode.NoGrad()) logits = model.Decode(Tensor.FromArray(z, n * n, 2));
        var l = logits.Span;
        int pixels = image.Length;
        var terms = new double[n * n];
        for (int r = 0; r < n * n; r++)
        {
            double logJoint = logPrior(z[r * 2], z[r * 2 + 1]);
            for (int p = 0; p < pixels; p++)
            {
                double probability = 1 / (1 + Math.Exp(-l[r * pixels + p]));
                logJoint += image[p] == 1f ? Math.Log(probability) : Math.Log(1 - probability);
            }
            terms[r] = logJoint;
        }
        return ImportanceWeightedBound.LogMeanExp(terms) + Math.Log(n * n) + 2 * Math.Log(width);
    }

    /// <summary>log N(z; 0, I) in two dimensions.</summary>
    public static double StandardNormal(double z0, double z1) => -0.5 * (z0 * z0 + z1 * z1) - Math.Log(2 * Math.PI);
}
