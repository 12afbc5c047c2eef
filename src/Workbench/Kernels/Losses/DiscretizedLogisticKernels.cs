using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>
/// The discretized logistic distribution over L equally spaced levels k/(L − 1) of [0, 1] (Kingma et al. 2016;
/// Salimans et al. 2017, PixelCNN++): a logistic with mean μ and scale s = e^u, its mass over each level's bin
/// [k − ½, k + ½]/(L − 1), the first bin extended to −∞ and the last to +∞ so the L probabilities sum to 1.
/// Evaluated in double, in log space throughout: with a = (c + h)/s, b = (c − h)/s for c = k/(L − 1) − μ and the
/// half bin h = ½/(L − 1),
///   log P(k) = log(σ(a) − σ(b)) = −softplus(−a) − softplus(b) + log(1 − e^−(a − b))   (interior bins),
///   log P(0) = −softplus(−a),   log P(L − 1) = −softplus(b),
/// exact for all finite inputs: the difference of the two CDFs is never formed, so it cannot underflow and
/// PixelCNN++'s fallback (the density at the bin centre times the bin width when the difference is below
/// 1e-5) is not needed.
/// </summary>
internal static class DiscretizedLogisticKernels
{
    /// <summary>
    /// The level index k of x in [0, 1] (x·(L − 1) rounded), or −1 when x is outside [0, 1] or more than
    /// 1/1000 of a level from one.
    /// </summary>
    public static int Level(float x, int levels)
    {
        double v = (double)x * (levels - 1);
        double k = Math.Round(v);
        return k >= 0 && k <= levels - 1 && Math.Abs(v - k) <= 1e-3 ? (int)k : -1;
    }

    /// <summary>
    /// loss[i] = −log P(level of x[i] | μ = mean[i], u = logScale[i]); when not empty, meanDerivative[i] =
    /// ∂loss/∂μ = (σ(−a) − σ(b))/s and logScaleDerivative[i] = ∂loss/∂u = a σ(−a) − b σ(b) + (a − b)/(e^(a − b) − 1)
    /// (the σ terms of the end bins' missing sides are 0). x must hold levels (see <see cref="Level"/>).
    /// </summary>
    public static unsafe void Forward(ReadOnlySpan<float> mean, ReadOnlySpan<float> logScale, ReadOnlySpan<float> x, int levels,
        Span<float> loss, Span<float> meanDerivative, Span<float> logScaleDerivative)
    {
        int n = x.Length;
        if (mean.Length != n || logScale.Length != n || loss.Length != n
            || (!meanDerivative.IsEmpty && meanDerivative.Length != n) || (!logScaleDerivative.IsEmpty && logScaleDerivative.Length != n))
            throw new ArgumentException("DiscretizedLogistic: span lengths differ.");
        fixed (float* m = mean, u = logScale, t = x, y = loss, dm = meanDerivative, du = logScaleDerivative)
            ParallelChunks.Run(new ForwardChunk(m, u, t, y, meanDerivative.IsEmpty ? null : dm, logScaleDerivative.IsEmpty ? null : du, levels), n);
    }

    /// <summary>
    /// E[x] = Σ_k k/(L − 1)·P(k) = 1/(L − 1)·Σ_{k=1}^{L−1} P(level ≥ k) = 1/(L − 1)·Σ_{k=1}^{L−1} σ((μ − (k − ½)/(L − 1))/s),
    /// the exact mean of the discretized distribution (not μ: the end bins' tails pull it inside [0, 1]).
    /// </summary>
    public static void Mean(ReadOnlySpan<float> mean, ReadOnlySpan<float> logScale, int levels, Span<float> result)
    {
        int n = mean.Length;
        if (logScale.Length != n || result.Length != n) throw new ArgumentException("DiscretizedLogistic: span lengths differ.");
        var inverseScale = new float[n];
        var argument = new float[n];
        TensorPrimitives.Negate(logScale, inverseScale);
        TensorPrimitives.Exp(inverseScale, inverseScale);
        result.Clear();
        float top = levels - 1;
        for (int k = 1; k < levels; k++)
        {
            TensorPrimitives.Subtract(mean, (k - 0.5f) / top, argument);
            TensorPrimitives.Multiply(argument, inverseScale, argument);
            TensorPrimitives.Sigmoid(argument, argument);
            TensorPrimitives.Add(result, argument, result);
        }
        TensorPrimitives.Multiply(result, 1f / top, result);
    }

    /// <summary>log(1 + eˣ) without overflow.</summary>
    private static double Softplus(double x) => Math.Max(x, 0.0) + SpecialFunctions.Log1P(Math.Exp(-Math.Abs(x)));

    /// <summary>σ(x) = 1/(1 + e^−x) without overflow.</summary>
    private static double Sigmoid(double x)
    {
        double e = Math.Exp(-Math.Abs(x));
        return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    }

    private readonly unsafe struct ForwardChunk(float* mean, float* logScale, float* x, float* loss, float* meanDerivative, float* logScaleDerivative, int levels)
        : IChunkKernel
    {
        public void Run(int start, int length)
        {
            int top = levels - 1;
            double halfBin = 0.5 / top;
            for (int i = start; i < start + length; i++)
            {
                int k = Level(x[i], levels);
                double inverseScale = Math.Exp(-(double)logScale[i]);
                double centred = (double)k / top - mean[i];
                double a = (centred + halfBin) * inverseScale, b = (centred - halfBin) * inverseScale; // bin edges in logistic units
                bool lowest = k == 0, highest = k == top;
                double logP = (lowest ? 0.0 : -Softplus(b)) + (highest ? 0.0 : -Softplus(-a));
                double gap = a - b, gapTerm = 0.0;
                if (!lowest && !highest)
                {
                    logP += Math.Log(-SpecialFunctions.ExpM1(-gap)); // log(1 − e^−(a−b)), a − b = 1/((L − 1)s) > 0
                    gapTerm = gap / SpecialFunctions.ExpM1(gap);      // (a − b)/(e^(a−b) − 1), → 1 as s → ∞, → 0 as s → 0
                }
                loss[i] = (float)-logP;
                double upper = highest ? 0.0 : Sigmoid(-a), lower = lowest ? 0.0 : Sigmoid(b);
                if (meanDerivative is not null) meanDerivative[i] = (float)((upper - lower) * inverseScale);
                if (logScaleDerivative is not null)
                    logScaleDerivative[i] = (float)((highest ? 0.0 : a * upper) - (lowest ? 0.0 : b * lower) + gapTerm);
            }
        }
    }
}
