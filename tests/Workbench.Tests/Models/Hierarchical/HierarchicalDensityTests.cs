using Workbench.Models.Hierarchical;
using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models.Hierarchical;

/// <summary>
/// The hierarchical prior and posterior against brute force: a linear-Gaussian prior's joint density integrated over z2 on a
/// grid is the closed-form marginal of z1, its ancestral samples have that marginal's moments, and the posterior's density
/// (tanh networks) integrates to 1 over a grid.
/// </summary>
public class HierarchicalDensityTests
{
    // p(z2) = N(0, 1), p(z1 | z2) = N(a z2 + b, s²): the marginal of z1 is N(b, a² + s²).
    private const float A = 1.5f, B = -0.7f, S = 0.6f;

    /// <summary>μ = weight · x + bias and log σ² = logVarianceWeight · x + logVarianceBias, one dimension each: an identity body and linear heads.</summary>
    private static GaussianEncoder Linear1d(float weight, float bias, float logVarianceWeight, float logVarianceBias)
    {
        var encoder = new GaussianEncoder(new Sequential(), 1, 1, 0, new Rng(3));
        (encoder.MeanHead.Weight.Span[0], encoder.MeanHead.Bias!.Span[0]) = (weight, bias);
        (encoder.LogVarianceHead.Weight.Span[0], encoder.LogVarianceHead.Bias!.Span[0]) = (logVarianceWeight, logVarianceBias);
        return encoder;
    }

    private static HierarchicalPrior LinearGaussianPrior() => new([1, 1], [Linear1d(A, B, 0f, MathF.Log(S * S))]);

    [Fact]
    public void PriorLogDensity_LinearGaussian_IntegratedOverTheTopLayerIsTheClosedFormMarginal()
    {
        var prior = LinearGaussianPrior();
        const int points = 1601;
        const double from = -8, step = 16.0 / (points - 1);
        foreach (float z1 in new[] { -3f, -0.7f, 0.4f, 2.5f })
        {
            var z = new float[points * 2];
            for (int i = 0; i < points; i++) (z[2 * i], z[2 * i + 1]) = (z1, (float)(from + i * step));
            var joint = prior.LogDensity(Tensor.FromArray(z, points, 2)).Span;
            double marginal = 0;
            for (int i = 0; i < points; i++) marginal += Math.Exp(joint[i]) * step;
            double variance = A * A + S * S;
            double expected = Math.Exp(-0.5 * (z1 - B) * (z1 - B) / variance) / Math.Sqrt(2 * Math.PI * variance);
            Close.Assert([(float)expected], [(float)marginal], 1e-4, 1e-7, $"p(z1 = {z1})");
        }
    }

    [Fact]
    public void PriorSample_LinearGaussian_HasTheMarginalMomentsOfBothLayers()
    {
        var prior = LinearGaussianPrior();
        const int count = 40_000;
        var z = prior.Sample(count, new Rng(9)).Span;
        double sum1 = 0, sq1 = 0, sum2 = 0, sq2 = 0, cross = 0;
        for (int i = 0; i < count; i++)
        {
            double z1 = z[2 * i], z2 = z[2 * i + 1];
            (sum1, sq1, sum2, sq2, cross) = (sum1 + z1, sq1 + z1 * z1, sum2 + z2, sq2 + z2 * z2, cross + z1 * z2);
        }
        double mean1 = sum1 / count, mean2 = sum2 / count;
        // Standard errors at 40,000 draws: means ≤ 0.01, variances ≤ 0.03; the bounds are about four of them.
        Assert.InRange(mean1, B - 0.04, B + 0.04);
        Assert.InRange(sq1 / count - mean1 * mean1, A * A + S * S - 0.12, A * A + S * S + 0.12);
        Assert.InRange(mean2, -0.02, 0.02);
        Assert.InRange(sq2 / count - mean2 * mean2, 0.96, 1.04);
        Assert.InRange(cross / count - mean1 * mean2, A - 0.06, A + 0.06); // Cov(z1, z2) = a
    }

    [Fact]
    public void PosteriorLogDensity_TanhNetworks_IntegratesToOneOverAGrid()
    {
        var rng = new Rng(4);
        var bottom = new DiagonalGaussian(Tensor.FromArray([0.3f], 1, 1), Tensor.FromArray([MathF.Log(0.5f)], 1, 1));
        var body = new Sequential(new Linear(1, 4, rng), new Tanh());
        var upward = new GaussianEncoder(body, 4, 1, 0, rng);                               // q(z2 | z1), nonlinear in z1
        var posterior = new HierarchicalPosterior(bottom, [upward], [1, 1]);
        const int side = 401;
        const double from = -10, step = 20.0 / (side - 1);
        var grid = new float[side * side * 2];
        for (int i = 0; i < side; i++)
            for (int j = 0; j < side; j++)
                (grid[2 * (i * side + j)], grid[2 * (i * side + j) + 1]) = ((float)(from + i * step), (float)(from + j * step));
        var rows = new int[side * side];                                                    // every grid point against the one image
        var density = posterior.GatherRows(rows).LogDensity(Tensor.FromArray(grid, side * side, 2)).Span;
        double mass = 0;
        for (int i = 0; i < density.Length; i++) mass += Math.Exp(density[i]) * step * step;
        Close.Assert([1f], [(float)mass], 1e-3, 0, "∫∫ q(z1, z2 | x)");
    }
}
