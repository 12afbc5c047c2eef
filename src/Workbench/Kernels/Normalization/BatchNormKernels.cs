using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>
/// The passes of batch normalisation over one channel of a (N, C, L) array (L = H·W for images, 1 for
/// feature rows): the channel's values are N planes of L contiguous floats, C·L apart. A plane is summed
/// with float vectors and the planes' sums are added in double, so a statistic over the 10⁵ values of a
/// conv layer's channel keeps float's precision; every channel is computed by the same code in the same
/// order whichever thread runs it. The activation that follows (leaky ReLU with a slope in [0, 1], or ReLU
/// for slope 0) is applied as the output is written and read back from the output in backward: for such
/// slopes y &gt; 0 exactly where the normalised value is.
/// </summary>
internal static class BatchNormKernels
{
    /// <summary>
    /// (mean, biased variance) of channel <paramref name="channel"/>: two passes, Σ(x − x₀) with x₀ the channel's first
    /// value (a shift that keeps a plane's float sum exact-ish when the values sit far from zero), then Σ(x − mean)².
    /// </summary>
    public static (double Mean, double Variance) Statistics(ReadOnlySpan<float> x, int batch, int channels, int plane, int channel)
    {
        float pivot = x[channel * plane];
        double sum = 0;
        for (int n = 0; n < batch; n++) sum += PlaneDeviations(x.Slice((n * channels + channel) * plane, plane), pivot, square: false);
        double count = (double)batch * plane, mean = pivot + sum / count;
        float center = (float)mean;
        double squares = 0;
        for (int n = 0; n < batch; n++) squares += PlaneDeviations(x.Slice((n * channels + channel) * plane, plane), center, square: true);
        return (mean, squares / count);
    }

    /// <summary>
    /// y = act((x − <paramref name="mean"/>)·<paramref name="scale"/> + <paramref name="shift"/>) over channel <paramref name="channel"/>,
    /// where act is max(v, slope·v) when <paramref name="activate"/> (ReLU for slope 0), else the identity. Centring first
    /// keeps the precision of values far from zero (x·scale + (shift − mean·scale) would cancel); the mean is subtracted
    /// as two floats, its nearest float and the remainder, so that a mean of 1000 does not round the centred values.
    /// </summary>
    public static void Normalize(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int plane, int channel,
        double mean, float scale, float shift, bool activate, float slope)
    {
        float high = (float)mean, low = (float)(mean - high);
        var highs = Vector256.Create(high);
        var lows = Vector256.Create(low);
        var scales = Vector256.Create(scale);
        var shifts = Vector256.Create(shift);
        var slopes = Vector256.Create(slope);
        for (int n = 0; n < batch; n++)
        {
            int start = (n * channels + channel) * plane;
            ref float source = ref MemoryMarshal.GetReference(x.Slice(start, plane));
            ref float target = ref MemoryMarshal.GetReference(y.Slice(start, plane));
            int i = 0;
            for (; i <= plane - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref source, (nuint)i) - highs - lows, scales, shifts);
                if (activate) v = Vector256.Max(v, slope == 0f ? Vector256<float>.Zero : v * slopes);
                v.StoreUnsafe(ref target, (nuint)i);
            }
            for (; i < plane; i++)
            {
                float v = MathF.FusedMultiplyAdd(Unsafe(ref source, i) - high - low, scale, shift);
                if (activate) v = v > 0f ? v : (slope == 0f ? 0f : v * slope);
                Unsafe(ref target, i) = v;
            }
        }
    }

    /// <summary>
    /// (Σ g, Σ g·(x − <paramref name="mean"/>)) over channel <paramref name="channel"/>, where g is the gradient at the
    /// normalised value: <paramref name="upstream"/> itself, or with the activation upstream where output &gt; 0, else slope·upstream.
    /// </summary>
    public static (double SumGradient, double SumGradientTimesCentered) GradientSums(ReadOnlySpan<float> upstream, ReadOnlySpan<float> output,
        ReadOnlySpan<float> x, int batch, int channels, int plane, int channel, float mean, bool activate, float slope)
    {
        double sumG = 0, sumGx = 0;
        var means = Vector256.Create(mean);
        var slopes = Vector256.Create(slope);
        for (int n = 0; n < batch; n++)
        {
            int start = (n * channels + channel) * plane;
            ref float dy = ref MemoryMarshal.GetReference(upstream.Slice(start, plane));
            ref float y = ref activate ? ref MemoryMarshal.GetReference(output.Slice(start, plane)) : ref dy;
            ref float xs = ref MemoryMarshal.GetReference(x.Slice(start, plane));
            var g = Vector256<float>.Zero;
            var gx = Vector256<float>.Zero;
            int i = 0;
            for (; i <= plane - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var d = Vector256.LoadUnsafe(ref dy, (nuint)i);
                if (activate) d = Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.LoadUnsafe(ref y, (nuint)i), Vector256<float>.Zero), d, d * slopes);
                g += d;
                gx = Vector256.FusedMultiplyAdd(d, Vector256.LoadUnsafe(ref xs, (nuint)i) - means, gx);
            }
            float planeG = Vector256.Sum(g), planeGx = Vector256.Sum(gx);
            for (; i < plane; i++)
            {
                float d = Unsafe(ref dy, i);
                if (activate && !(Unsafe(ref y, i) > 0f)) d *= slope;
                planeG += d;
                planeGx = MathF.FusedMultiplyAdd(d, Unsafe(ref xs, i) - mean, planeGx);
            }
            sumG += planeG;
            sumGx += planeGx;
        }
        return (sumG, sumGx);
    }

    /// <summary>
    /// dx (+)= (g − <paramref name="gradientMean"/> − (x − <paramref name="mean"/>)·<paramref name="projection"/>)·<paramref name="factor"/>
    /// over channel <paramref name="channel"/>, with g as in <see cref="GradientSums"/>; without <paramref name="accumulate"/> dx is overwritten.
    /// </summary>
    public static void InputGradient(ReadOnlySpan<float> upstream, ReadOnlySpan<float> output, ReadOnlySpan<float> x, Span<float> gradient,
        int batch, int channels, int plane, int channel, float mean, float gradientMean, float projection, float factor,
        bool activate, float slope, bool accumulate)
    {
        var means = Vector256.Create(mean);
        var gradientMeans = Vector256.Create(gradientMean);
        var projections = Vector256.Create(projection);
        var factors = Vector256.Create(factor);
        var slopes = Vector256.Create(slope);
        for (int n = 0; n < batch; n++)
        {
            int start = (n * channels + channel) * plane;
            ref float dy = ref MemoryMarshal.GetReference(upstream.Slice(start, plane));
            ref float y = ref activate ? ref MemoryMarshal.GetReference(output.Slice(start, plane)) : ref dy;
            ref float xs = ref MemoryMarshal.GetReference(x.Slice(start, plane));
            ref float dx = ref MemoryMarshal.GetReference(gradient.Slice(start, plane));
            int i = 0;
            for (; i <= plane - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var d = Vector256.LoadUnsafe(ref dy, (nuint)i);
                if (activate) d = Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.LoadUnsafe(ref y, (nuint)i), Vector256<float>.Zero), d, d * slopes);
                var centered = Vector256.LoadUnsafe(ref xs, (nuint)i) - means;
                var v = (d - gradientMeans - centered * projections) * factors;
                if (accumulate) v += Vector256.LoadUnsafe(ref dx, (nuint)i);
                v.StoreUnsafe(ref dx, (nuint)i);
            }
            for (; i < plane; i++)
            {
                float d = Unsafe(ref dy, i);
                if (activate && !(Unsafe(ref y, i) > 0f)) d *= slope;
                float v = (d - gradientMean - (Unsafe(ref xs, i) - mean) * projection) * factor;
                Unsafe(ref dx, i) = accumulate ? Unsafe(ref dx, i) + v : v;
            }
        }
    }

    /// <summary>Σ (x − <paramref name="center"/>)², or Σ (x − center) without <paramref name="square"/>, in float vectors.</summary>
    private static float PlaneDeviations(ReadOnlySpan<float> values, float center, bool square)
    {
        float mean = center;
        ref float x = ref MemoryMarshal.GetReference(values);
        var means = Vector256.Create(mean);
        var sum = Vector256<float>.Zero;
        int i = 0;
        for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var d = Vector256.LoadUnsafe(ref x, (nuint)i) - means;
            sum = square ? Vector256.FusedMultiplyAdd(d, d, sum) : sum + d;
        }
        float total = Vector256.Sum(sum);
        for (; i < values.Length; i++)
        {
            float d = Unsafe(ref x, i) - mean;
            total = square ? MathF.FusedMultiplyAdd(d, d, total) : total + d;
        }
        return total;
    }

    private static ref float Unsafe(ref float start, int index) => ref System.Runtime.CompilerServices.Unsafe.Add(ref start, index);
}
