using System.Globalization;
using Workbench.Kernels;

namespace Workbench.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Inverted dropout as PyTorch's <c>torch.nn.functional.dropout(input, p, training)</c>: in training each
    /// element is zeroed with probability <paramref name="p"/> and the kept ones are scaled by 1/(1 − p), so the
    /// expected output is the input; the mask comes from <see cref="ForwardRandom.Current"/> (one draw of
    /// <see cref="DropoutMask"/>). Not training, or p = 0: the input itself. p = 1: input · 0 (zeros, NaN where
    /// the input is ±∞ or NaN, as in PyTorch). The gradient is the upstream gradient times the same mask.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in [0, 1].</exception>
    /// <exception cref="InvalidOperationException">Training with 0 &lt; p &lt; 1 and no <see cref="ForwardRandom"/> stream set.</exception>
    public Tensor Dropout(double p = 0.5, bool training = true)
    {
        RequireDropoutProbability(p);
        if (!training || p == 0 || Size == 0) return this;
        if (p == 1) return MulScalar(0f);
        var rng = ForwardRandom.Require($"Dropout(p={p.ToString(CultureInfo.InvariantCulture)})");
        return Mul(DropoutMask(rng, p, Dims)); // d(x·m)/dx = m: the Mul backward multiplies by the same mask
    }

    /// <summary>
    /// The scaled mask of inverted dropout with probability <paramref name="p"/> in (0, 1): each element is
    /// 0 with probability p (to within 2⁻³²), else 1/(1 − p) rounded to float as PyTorch computes it
    /// (<c>1f / (float)(1 − p)</c>). Draws four 64-bit words from <paramref name="rng"/> whatever the shape,
    /// and fills the mask vectorised from generators seeded with them (Kernels.DropoutMaskKernels).
    /// </summary>
    public static Tensor DropoutMask(Rng rng, double p, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"A dropout mask needs a probability strictly between 0 and 1, got {p}.");
        Span<ulong> seeds = stackalloc ulong[DropoutMaskKernels.Lanes];
        for (int lane = 0; lane < seeds.Length; lane++) seeds[lane] = rng.NextUInt64();
        uint dropBelow = (uint)Math.Floor(p * 4294967296.0); // < 2³² for p < 1
        var mask = Uninitialized((int[])shape.Clone());
        DropoutMaskKernels.Fill(seeds, dropBelow, 1f / (float)(1.0 - p), mask.Storage);
        return mask;
    }

    internal static void RequireDropoutProbability(double p)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"The dropout probability must be between 0 and 1 (inclusive), got {p.ToString(CultureInfo.InvariantCulture)}.");
    }
}
