using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Tests.Models.Posteriors;

/// <summary>
/// The flows' densities checked without their own formulas: each flow's q(z_K) integrates to 1 over a 2-D grid in
/// z_K space, every grid point mapped back to z_0 by an inverse written here (bisection for a planar step, D
/// passes of the autoregressive solve for an IAF step); and finite-difference gradients of z_K and log q(z_K).
/// </summary>
public class FlowDensityTests
{
    /// <summary>Two planar steps on a 2-D latent; the second has wᵀu = −3, so the û reparameterisation acts.</summary>
    internal static PlanarFlowPosterior TwoStepPlanar() => new(
        new DiagonalGaussian(Tensor.FromArray([0.3f, -0.2f], 1, 2), Tensor.FromArray([2 * MathF.Log(0.6f), 2 * MathF.Log(0.9f)], 1, 2)),
        u: Tensor.FromArray([2f, 1f, -1.5f, -2f], 1, 4),
        w: Tensor.FromArray([1.5f, -0.5f, 0.4f, 1.2f], 1, 4),
        b: Tensor.FromArray([0.2f, -0.3f], 1, 2));

    /// <summary>Two IAF steps (the second in reversed order) on a 2-D latent, weights scaled up so the flow bends visibly.</summary>
    internal static InverseAutoregressiveFlowPosterior TwoStepIaf()
    {
        var rng = new Rng(21);
        var networks = new[] { new Made(2, 8, 3, reversed: false, rng), new Made(2, 8, 3, reversed: true, rng) };
        foreach (var network in networks)
            foreach (var (_, parameter) in network.NamedParameters())
                for (int i = 0; i < parameter.Size; i++) parameter.Span[i] *= 3f;
        return new InverseAutoregressiveFlowPosterior(
            new DiagonalGaussian(Tensor.FromArray([0.2f, 0.4f], 1, 2), Tensor.FromArray([2 * MathF.Log(0.7f), 2 * MathF.Log(1.1f)], 1, 2)),
            Tensor.FromArray([0.5f, -1f, 0.8f], 1, 3), networks);
    }

    [Fact]
    public void PlanarFlow_DensityOnGrid_IntegratesToOne()
    {
        var flow = TwoStepPlanar();
        AssertIntegratesToOne(flow, zK => InvertPlanar(flow, zK));
    }

    [Fact]
    public void InverseAutoregressiveFlow_DensityOnGrid_IntegratesToOne()
    {
        var flow = TwoStepIaf();
        AssertIntegratesToOne(flow, zK => InvertIaf(flow, zK));
    }

    [Fact]
    public void PlanarFlow_SampleWithLogDensity_GradientsMatchFiniteDifferences()
    {
        var noise = Tensor.Randn(new Rng(5), 3, 2);
        var inputs = new[] { Tensor.Randn(new Rng(1), 3, 2), Tensor.Randn(new Rng(2), 3, 2) * 0.3f, Tensor.Randn(new Rng(3), 3, 6), Tensor.Randn(new Rng(4), 3, 6), Tensor.Randn(new Rng(6), 3, 3) }
            .Select(t => t.Detach()).ToArray();
        GradientCheck.Assert(t => Flatten(new PlanarFlowPosterior(new DiagonalGaussian(t[0], t[1]), t[2], t[3], t[4]).SampleWithLogDensity(noise)), inputs,
            new GradientCheckOptions { Step = 1e-3f });
    }

    [Fact]
    public void InverseAutoregressiveFlow_SampleWithLogDensity_GradientsMatchFiniteDifferences()
    {
        var networks = new[] { new Made(3, 6, 4, reversed: false, new Rng(7)), new Made(3, 6, 4, reversed: true, new Rng(8)) };
        var noise = Tensor.Randn(new Rng(5), 3, 3);
        var inputs = new[] { Tensor.Randn(new Rng(1), 3, 3), Tensor.Randn(new Rng(2), 3, 3) * 0.3f, Tensor.Randn(new Rng(3), 3, 4) }.Select(t => t.Detach()).ToArray();
        var parameters = networks.SelectMany(n => n.NamedParameters().Select(p => p.Parameter)).ToArray();
        GradientCheck.Assert(t => Flatten(new InverseAutoregressiveFlowPosterior(new DiagonalGaussian(t[0], t[1]), t[2], networks).SampleWithLogDensity(noise)),
            [.. inputs, .. parameters], new GradientCheckOptions { Step = 1e-3f });
    }

    [Fact]
    public void MaskedLinear_Forward_GradientsMatchFiniteDifferences()
    {
        var mask = Tensor.FromArray([1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0], 3, 4);
        var x = Tensor.Randn(new Rng(1), 5, 4).Detach();
        var weight = Tensor.Randn(new Rng(2), 3, 4).Detach();
        var bias = Tensor.Randn(new Rng(3), 3).Detach();
        GradientCheck.Assert(t => Tensor.Linear(t[0], t[1] * mask, t[2]), [x, weight, bias]);
        var layer = new MaskedLinear(4, 3, mask, new Rng(4));
        var y = layer.Forward(x);
        y.Sum().Backward();
        for (int i = 0; i < mask.Size; i++)
            if (mask.Span[i] == 0f) Assert.Equal(0f, layer.Weight.Grad!.Span[i]);                // cut connections do not learn
    }

    /// <summary>z_K and log q as one (B, latent + 1) tensor, for the gradient check.</summary>
    private static Tensor Flatten(PosteriorSample sample) => Tensor.Concat([sample.Z, sample.LogDensity.Reshape(sample.Z.Dim(0), 1)], 1);

    /// <summary>
    /// ∫ q(z_K) dz_K by the midpoint rule on [−7, 7]² (801² cells: the planar flow's near-singular ridge needs them): each cell centre is mapped back to z_0 by
    /// <paramref name="invert"/>, ε = (z_0 − μ)/σ goes through the flow's own forward pass, which must land on
    /// the cell centre, and its log q(z_K) is summed.
    /// </summary>
    private static void AssertIntegratesToOne(FlowPosterior flow, Func<double[][], double[][]> invert)
    {
        const int n = 801;
        const double half = 7, width = 2 * half / n;
        var grid = new double[n * n][];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                grid[i * n + j] = [-half + (i + 0.5) * width, -half + (j + 0.5) * width];
        var z0 = invert(grid);
        var mean = flow.Initial.Mean.ToArray();
        var sigma = flow.Initial.StandardDeviation.ToArray();
        var noise = new float[n * n * 2];
        for (int r = 0; r < n * n; r++)
            for (int d = 0; d < 2; d++) noise[r * 2 + d] = (float)((z0[r][d] - mean[d]) / sigma[d]);
        PosteriorSample sample;
        using (GradMode.NoGrad()) sample = flow.GatherRows(new int[n * n]).SampleWithLogDensity(Tensor.FromArray(noise, n * n, 2));
        var z = sample.Z.ToArray();
        var logQ = sample.LogDensity.ToArray();
        double integral = 0, worstMiss = 0;
        for (int r = 0; r < n * n; r++)
        {
            worstMiss = Math.Max(worstMiss, Math.Max(Math.Abs(z[r * 2] - grid[r][0]), Math.Abs(z[r * 2 + 1] - grid[r][1])));
            integral += Math.Exp(logQ[r]) * width * width;
        }
        Assert.True(worstMiss < 1e-3, $"the inverse is not an inverse: forward(inverse(z)) misses z by {worstMiss}");
        Assert.True(Math.Abs(integral - 1) < 2e-3, $"∫ q(z_K) dz_K = {integral}");
    }

    /// <summary>The planar steps undone in reverse order, in double: a = wᵀz + b solves wᵀz′ + b = a + (wᵀû) tanh a (increasing in a), then z = z′ − û tanh a.</summary>
    private static double[][] InvertPlanar(PlanarFlowPosterior flow, double[][] zK)
    {
        var (u, w, b) = (flow.U.ToArray(), flow.W.ToArray(), flow.B.ToArray());
        return zK.Select(point =>
        {
            var z = (double[])point.Clone();
            for (int k = flow.Steps - 1; k >= 0; k--)
            {
                double[] uk = [u[2 * k], u[2 * k + 1]], wk = [w[2 * k], w[2 * k + 1]];
                double wu = wk[0] * uk[0] + wk[1] * uk[1], m = -1 + Math.Log(1 + Math.Exp(wu)), norm = wk[0] * wk[0] + wk[1] * wk[1];
                double[] uHat = [uk[0] + (m - wu) * wk[0] / norm, uk[1] + (m - wu) * wk[1] / norm];
                double target = wk[0] * z[0] + wk[1] * z[1] + b[k];
                double low = target - Math.Abs(m) - 1, high = target + Math.Abs(m) + 1;
                for (int iteration = 0; iteration < 80; iteration++)
                {
                    double middle = 0.5 * (low + high);
                    if (middle + m * Math.Tanh(middle) < target) low = middle; else high = middle;
                }
                double t = Math.Tanh(0.5 * (low + high));
                z = [z[0] - uHat[0] * t, z[1] - uHat[1] * t];
            }
            return z;
        }).ToArray();
    }

    /// <summary>
    /// The IAF steps undone in reverse order: z = (z′ − (1 − σ) ⊙ m) / σ with m, σ read at the current guess; after D passes
    /// every dimension is exact, since m and σ at a dimension depend only on the dimensions before it.
    /// </summary>
    private static double[][] InvertIaf(InverseAutoregressiveFlowPosterior flow, double[][] zK)
    {
        int count = zK.Length;
        var networks = flow.Networks;
        var context = flow.Context.GatherRows(new int[count]);
        var target = Tensor.FromArray(zK.SelectMany(p => p.Select(v => (float)v)).ToArray(), count, 2);
        using var _ = GradMode.NoGrad();
        for (int k = flow.Steps - 1; k >= 0; k--)
        {
            var z = Tensor.Zeros(count, 2);
            for (int pass = 0; pass < 2; pass++)
            {
                var (shift, gate) = networks[k].Forward(z, context);
                var sigma = (gate + InverseAutoregressiveFlowPosterior.ForgetBias).Sigmoid();
                z = (target - (1f - sigma) * shift) / sigma;
            }
            target = z;
        }
        var values = target.ToArray();
        return Enumerable.Range(0, count).Select(r => new double[] { values[r * 2], values[r * 2 + 1] }).ToArray();
    }
}
