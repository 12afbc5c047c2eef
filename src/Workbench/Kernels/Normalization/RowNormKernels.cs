using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>
/// The passes of layer and group normalisation, which normalise contiguous rows (a sample's last dimensions, or a
/// sample's group of channels). Statistics come from <see cref="BatchNormKernels.Statistics"/> with the row as the one
/// plane of its "channel" (double accumulation over float-vector sums, shifted by the row's first value).
/// </summary>
internal static class RowNormKernels
{
    /// <summary>(mean, 1/√(biased variance + ε)) of row <paramref name="row"/> of a (rows, length) array.</summary>
    public static (double Mean, double InvStd) Statistics(ReadOnlySpan<float> x, int rows, int length, int row, double eps)
    {
        var (mean, variance) = BatchNormKernels.Statistics(x, 1, rows, length, row);
        return (mean, 1 / Math.Sqrt(variance + eps));
    }

    /// <summary>
    /// One row of layer normalisation: y = (x − mean)·invStd·w + b elementwise (w, b the row's length, or empty for 1 and 0).
    /// </summary>
    public static void NormalizeRow(ReadOnlySpan<float> x, Span<float> y, float mean, float invStd, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias)
    {
        TensorPrimitives.Subtract(x, mean, y);
        TensorPrimitives.Multiply(y, invStd, y);
        if (!weight.IsEmpty) TensorPrimitives.Multiply(y, weight, y);
        if (!bias.IsEmpty) TensorPrimitives.Add(y, bias, y);
    }

    /// <summary>
    /// One row's gradients of layer normalisation given g = dL/dy: with x̂ = (x − mean)·invStd and h = g·w,
    /// dx (+)= invStd·(h − mean(h) − x̂·mean(h·x̂)); weightGradient += g·x̂ and biasGradient += g elementwise (when not empty).
    /// <paramref name="scratch"/> holds two rows.
    /// </summary>
    public static void RowBackward(ReadOnlySpan<float> upstream, ReadOnlySpan<float> x, Span<float> gradient, bool accumulate,
        float mean, float invStd, ReadOnlySpan<float> weight, Span<float> weightGradient, Span<float> biasGradient, Span<float> scratch)
    {
        int n = x.Length;
        var normalized = scratch[..n];
        var h = scratch.Slice(n, n);
        TensorPrimitives.Subtract(x, mean, normalized);
        TensorPrimitives.Multiply(normalized, invStd, normalized);
        if (!weightGradient.IsEmpty) TensorPrimitives.FusedMultiplyAdd(upstream, normalized, weightGradient, weightGradient);
        if (!biasGradient.IsEmpty) TensorPrimitives.Add(biasGradient, upstream, biasGradient);
        if (gradient.IsEmpty) return;
        if (weight.IsEmpty) upstream.CopyTo(h);
        else TensorPrimitives.Multiply(upstream, weight, h);
        double sumH = 0, sumHx = 0;
        for (int start = 0; start < n; start += 1024)
        {
            int length = Math.Min(1024, n - start);
            sumH += TensorPrimitives.Sum(h.Slice(start, length));
            sumHx += TensorPrimitives.Dot(h.Slice(start, length), normalized.Slice(start, length));
        }
        float meanH = (float)(sumH / n), meanHx = (float)(sumHx / n);
        // dx = invStd·h − invStd·mean(h) − x̂·(invStd·mean(h·x̂))
        AffineCombination(h, normalized, gradient, invStd, 0f, -invStd * meanHx, -invStd * meanH, accumulate);
    }

    /// <summary>dx (+)= a·<paramref name="k1"/> + (b − <paramref name="center"/>)·<paramref name="k2"/> + <paramref name="k3"/> elementwise.</summary>
    public static void AffineCombination(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> gradient, float k1, float center, float k2, float k3, bool accumulate)
    {
        var centers = Vector256.Create(center);
        int n = a.Length;
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float dr = ref MemoryMarshal.GetReference(gradient);
        var c1 = Vector256.Create(k1);
        var c2 = Vector256.Create(k2);
        var c3 = Vector256.Create(k3);
        int i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var v = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)i), c1, Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref br, (nuint)i) - centers, c2, c3));
            if (accumulate) v += Vector256.LoadUnsafe(ref dr, (nuint)i);
            v.StoreUnsafe(ref dr, (nuint)i);
        }
        for (; i < n; i++)
        {
            float v = MathF.FusedMultiplyAdd(a[i], k1, MathF.FusedMultiplyAdd(b[i] - center, k2, k3));
            gradient[i] = accumulate ? gradient[i] + v : v;
        }
    }
}
