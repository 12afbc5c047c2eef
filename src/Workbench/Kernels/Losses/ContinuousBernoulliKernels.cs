namespace Workbench.Kernels;

/// <summary>
/// The continuous Bernoulli distribution CB(λ) on [0, 1] (Loaiza-Ganem &amp; Cunningham 2019), p(x) = C(λ)·λˣ(1 − λ)¹⁻ˣ,
/// written in its logit η = log(λ / (1 − λ)). There the normaliser C(λ) = 2 artanh(1 − 2λ) / (1 − 2λ) is
/// η / tanh(η/2) (even in η, 2 at η = 0) and the mean λ/(2λ − 1) + 1/(2 artanh(1 − 2λ)) is 1/(1 − e^−η) − 1/η.
/// Both are evaluated in double; near λ = ½, where they are 0/0 forms, by their Taylor series in η over
/// PyTorch's region λ ∈ (0.499, 0.501]. Elementwise; large spans are split across the kernel worker threads
/// without changing any value.
/// </summary>
internal static class ContinuousBernoulliKernels
{
    private const double Ln2 = 0.69314718055994530942;

    /// <summary>|η| below this is λ in (0.499, 0.501): log(0.501 / 0.499).</summary>
    public static readonly double TaylorLogitBound = Math.Log(0.501 / 0.499);

    /// <summary>log C = log(η / tanh(η/2)); near 0, log 2 + η²/12 − 7η⁴/1440 + 31η⁶/90720.</summary>
    public static double LogNormalizer(double eta)
    {
        if (Math.Abs(eta) < TaylorLogitBound)
        {
            double e2 = eta * eta;
            return Ln2 + e2 * (1.0 / 12.0 - e2 * (7.0 / 1440.0 - e2 * (31.0 / 90720.0)));
        }
        return Math.Log(eta / Math.Tanh(0.5 * eta)); // tanh → ±1 for large |η|: log |η|
    }

    /// <summary>d log C/dη = 1/η − 1/sinh η; near 0, η/6 − 7η³/360 + 31η⁵/15120.</summary>
    public static double LogNormalizerDerivative(double eta)
    {
        if (Math.Abs(eta) < TaylorLogitBound)
        {
            double e2 = eta * eta;
            return eta * (1.0 / 6.0 - e2 * (7.0 / 360.0 - e2 * (31.0 / 15120.0)));
        }
        return 1.0 / eta - 1.0 / Math.Sinh(eta); // sinh overflows to ±∞ for |η| > 710: the term is 0
    }

    /// <summary>E[x] = 1/(1 − e^−η) − 1/η; near 0, ½ + η/12 − η³/720 + η⁵/30240. 1 at η = +∞, 0 at −∞.</summary>
    public static double Mean(double eta)
    {
        if (Math.Abs(eta) < TaylorLogitBound)
        {
            double e2 = eta * eta;
            return 0.5 + eta * (1.0 / 12.0 - e2 * (1.0 / 720.0 - e2 * (1.0 / 30240.0)));
        }
        if (double.IsInfinity(eta)) return eta > 0 ? 1.0 : 0.0;
        return -1.0 / SpecialFunctions.ExpM1(-eta) - 1.0 / eta;
    }

    /// <summary>dE[x]/dη = 1/η² − 1/(4 sinh²(η/2)); near 0, 1/12 − η²/240 + η⁴/6048.</summary>
    public static double MeanDerivative(double eta)
    {
        if (Math.Abs(eta) < TaylorLogitBound)
        {
            double e2 = eta * eta;
            return 1.0 / 12.0 - e2 * (1.0 / 240.0 - e2 * (1.0 / 6048.0));
        }
        double s = Math.Sinh(0.5 * eta);
        return 1.0 / (eta * eta) - 0.25 / (s * s);
    }

    /// <summary>
    /// loss[i] −= log C(η = logits[i]), turning a binary cross-entropy already in <paramref name="loss"/> into the
    /// continuous Bernoulli's −log p; when <paramref name="derivative"/> is not empty (it holds σ(η) − t), it gets
    /// −d log C/dη added, so it becomes ∂loss/∂η.
    /// </summary>
    public static unsafe void SubtractLogNormalizer(ReadOnlySpan<float> logits, Span<float> loss, Span<float> derivative)
    {
        int n = logits.Length;
        if (loss.Length != n || (!derivative.IsEmpty && derivative.Length != n))
            throw new ArgumentException("ContinuousBernoulli: span lengths differ.");
        fixed (float* l = logits, y = loss, d = derivative)
            ParallelChunks.Run(new NormalizerChunk(l, y, derivative.IsEmpty ? null : d), n);
    }

    /// <summary>y[i] = log C(η = logits[i]).</summary>
    public static void LogNormalizer(ReadOnlySpan<float> logits, Span<float> y)
    {
        for (int i = 0; i < logits.Length; i++) y[i] = (float)LogNormalizer(logits[i]);
    }

    /// <summary>y[i] = E[x] under CB with logit logits[i].</summary>
    public static unsafe void Mean(ReadOnlySpan<float> logits, Span<float> y)
    {
        if (y.Length != logits.Length) throw new ArgumentException("ContinuousBernoulli: span lengths differ.");
        fixed (float* l = logits, m = y)
            ParallelChunks.Run(new MeanChunk(l, m), logits.Length);
    }

    /// <summary>gradient[i] += upstream[i] · f′(logits[i]) for f = log C (<paramref name="ofMean"/> false) or f = E[x].</summary>
    public static void AccumulateChain(ReadOnlySpan<float> upstream, ReadOnlySpan<float> logits, Span<float> gradient, bool ofMean)
    {
        for (int i = 0; i < logits.Length; i++)
            gradient[i] += (float)(upstream[i] * (ofMean ? MeanDerivative(logits[i]) : LogNormalizerDerivative(logits[i])));
    }

    private readonly unsafe struct NormalizerChunk(float* logits, float* loss, float* derivative) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            for (int i = start; i < start + length; i++)
            {
                double eta = logits[i];
                loss[i] = (float)(loss[i] - LogNormalizer(eta));
                if (derivative is not null) derivative[i] = (float)(derivative[i] - LogNormalizerDerivative(eta));
            }
        }
    }

    private readonly unsafe struct MeanChunk(float* logits, float* mean) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            for (int i = start; i < start + length; i++) mean[i] = (float)Mean(logits[i]);
        }
    }
}
