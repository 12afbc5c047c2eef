using Workbench.Tensors;

namespace Workbench.Models.Posteriors;

/// <summary>
/// Planar flows (Rezende &amp; Mohamed 2015, §4.1): K steps f(z) = z + û · tanh(wᵀz + b), with
/// log |det ∂f/∂z| = log |1 + ûᵀψ(z)|, ψ(z) = (1 − tanh²(wᵀz + b)) w. The parameters are amortised: the
/// encoder gives u, w and b for every image and step. û is the paper's reparameterisation (appendix A)
/// û = u + (m(wᵀu) − wᵀu) w / ‖w‖², m(a) = −1 + softplus(a), which keeps wᵀû ≥ −1 and so every step invertible;
/// then ûᵀψ = (1 − tanh²) · m(wᵀu) and the determinant 1 + (1 − tanh²) m is positive.
/// </summary>
public sealed class PlanarFlowPosterior : FlowPosterior
{
    /// <param name="initial">q_0 = N(μ, diag σ²), (B, latent).</param>
    /// <param name="u">u of every step, (B, K·latent), step-major: columns k·latent … k·latent + latent − 1 are step k's.</param>
    /// <param name="w">w of every step, (B, K·latent), laid out as <paramref name="u"/>.</param>
    /// <param name="b">b of every step, (B, K).</param>
    public PlanarFlowPosterior(DiagonalGaussian initial, Tensor u, Tensor w, Tensor b) : base(initial, b.Rank == 2 ? b.Dim(1) : -1)
    {
        int count = initial.Count, steps = Steps, latent = initial.LatentSize;
        if (u.Rank != 2 || u.Dim(0) != count || u.Dim(1) != steps * latent || !u.Dims.SequenceEqual(w.Dims) || b.Dim(0) != count)
            throw new ArgumentException(
                $"A planar flow over {count} rows, {steps} steps and {latent} latent dimensions needs u and w of shape ({count}, {steps * latent}) and b of shape ({count}, {steps}); " +
                $"got u {Tensor.ShapeText(u.Dims)}, w {Tensor.ShapeText(w.Dims)}, b {Tensor.ShapeText(b.Dims)}.");
        U = u;
        W = w;
        B = b;
    }

    /// <summary>u of every step before the reparameterisation. (B, K·latent)</summary>
    public Tensor U { get; }

    /// <summary>w of every step. (B, K·latent)</summary>
    public Tensor W { get; }

    /// <summary>b of every step. (B, K)</summary>
    public Tensor B { get; }

    public override string FamilyName => "planar flow";

    protected override (Tensor Z, Tensor LogDeterminant) Step(int step, Tensor z)
    {
        int rows = z.Dim(0), latent = LatentSize;
        var u = U.Narrow(1, step * latent, latent);                                     // (B, latent)
        var w = W.Narrow(1, step * latent, latent);                                     // (B, latent)
        var b = B.Narrow(1, step, 1);                                                   // (B, 1)
        var wu = (w * u).Sum(1, keepDim: true);                                         // wᵀu, (B, 1)
        var m = wu.Softplus() - 1f;                                                     // m(wᵀu) = wᵀû ≥ −1, (B, 1)
        var uHat = u + (m - wu) * w / w.Square().Sum(1, keepDim: true);                  // (B, latent)
        var t = ((w * z).Sum(1, keepDim: true) + b).Tanh();                             // tanh(wᵀz + b), (B, 1)
        var next = z + uHat * t;                                                        // (B, latent)
        var logDeterminant = ((1f - t.Square()) * m + 1f).Abs().Log().Reshape(rows);    // log |1 + ûᵀψ|, (B)
        return (next, logDeterminant);
    }

    public override Posterior GatherRows(ReadOnlySpan<int> rows) =>
        new PlanarFlowPosterior((DiagonalGaussian)Initial.GatherRows(rows), U.GatherRows(rows), W.GatherRows(rows), B.GatherRows(rows));
}
