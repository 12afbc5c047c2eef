using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>An elementwise comparison, scalar and eight lanes at a time (lanes: all bits set where it holds).</summary>
internal interface IComparison
{
    bool Holds(float a, float b);
    Vector256<float> Mask(Vector256<float> a, Vector256<float> b);
}

internal readonly struct EqualTo : IComparison
{
    public bool Holds(float a, float b) => a == b;
    public Vector256<float> Mask(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b);
}

/// <summary>a ≠ b (true when either is NaN).</summary>
internal readonly struct NotEqualTo : IComparison
{
    public bool Holds(float a, float b) => a != b;
    public Vector256<float> Mask(Vector256<float> a, Vector256<float> b) => ~Vector256.Equals(a, b);
}

internal readonly struct LessThan : IComparison
{
    public bool Holds(float a, float b) => a < b;
    public Vector256<float> Mask(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b);
}

internal readonly struct LessThanOrEqualTo : IComparison
{
    public bool Holds(float a, float b) => a <= b;
    public Vector256<float> Mask(Vector256<float> a, Vector256<float> b) => Vector256.LessThanOrEqual(a, b);
}

internal readonly struct GreaterThan : IComparison
{
    public bool Holds(float a, float b) => a > b;
    public Vector256<float> Mask(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b);
}

internal readonly struct GreaterThanOrEqualTo : IComparison
{
    public bool Holds(float a, float b) => a >= b;
    public Vector256<float> Mask(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThanOrEqual(a, b);
}

/// <summary>Comparisons into 0/1 masks, selection by a mask, and the elementwise minimum/maximum with their gradient weights.</summary>
internal static class SelectKernels
{
    /// <summary>y[i] = 1 where a[i] (cmp) b[i] holds, else 0 (all spans one length).</summary>
    public static void Compare<TComparison>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) where TComparison : struct, IComparison
    {
        int n = a.Length;
        if (b.Length != n || y.Length != n) throw new ArgumentException("SelectKernels.Compare: span lengths differ.");
        var comparison = default(TComparison);
        ref float left = ref MemoryMarshal.GetReference(a);
        ref float right = ref MemoryMarshal.GetReference(b);
        ref float result = ref MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            (comparison.Mask(Vector256.LoadUnsafe(ref left, (nuint)i), Vector256.LoadUnsafe(ref right, (nuint)i)) & Vector256<float>.One)
                .StoreUnsafe(ref result, (nuint)i);
        for (; i < n; i++) y[i] = comparison.Holds(a[i], b[i]) ? 1f : 0f;
    }

    /// <summary>y[i] = 1 where a[i] (cmp) b holds, else 0.</summary>
    public static void Compare<TComparison>(ReadOnlySpan<float> a, float b, Span<float> y) where TComparison : struct, IComparison
    {
        int n = a.Length;
        if (y.Length != n) throw new ArgumentException("SelectKernels.Compare: span lengths differ.");
        var comparison = default(TComparison);
        ref float left = ref MemoryMarshal.GetReference(a);
        ref float result = ref MemoryMarshal.GetReference(y);
        var right = Vector256.Create(b);
        int i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            (comparison.Mask(Vector256.LoadUnsafe(ref left, (nuint)i), right) & Vector256<float>.One).StoreUnsafe(ref result, (nuint)i);
        for (; i < n; i++) y[i] = comparison.Holds(a[i], b) ? 1f : 0f;
    }

    /// <summary>y[i] = a[i] where condition[i] ≠ 0 (NaN counts as nonzero), else b[i].</summary>
    public static void Where(ReadOnlySpan<float> condition, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = condition[i] != 0f ? a[i] : b[i];
    }

    /// <summary>gradient[i] = upstream[i] where (condition[i] ≠ 0) equals <paramref name="whereTrue"/>, else 0.</summary>
    public static void MaskGradient(ReadOnlySpan<float> upstream, ReadOnlySpan<float> condition, bool whereTrue, Span<float> gradient)
    {
        for (int i = 0; i < gradient.Length; i++) gradient[i] = (condition[i] != 0f) == whereTrue ? upstream[i] : 0f;
    }

    /// <summary>y = max(a, b) (or min with <paramref name="minimum"/>) elementwise; a NaN in either operand gives NaN.</summary>
    public static void MinMax(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, bool minimum)
    {
        for (int i = 0; i < y.Length; i++)
        {
            float left = a[i], right = b[i];
            y[i] = float.IsNaN(left) ? left : float.IsNaN(right) ? right : (minimum ? left < right : left > right) ? left : right;
        }
    }

    /// <summary>
    /// The gradients of maximum (or minimum) in PyTorch's rule: where a == b each side takes half of the
    /// upstream gradient, otherwise all of it goes to the side that won (and to both where a NaN made
    /// the comparison false). Writes into <paramref name="gradientA"/> and <paramref name="gradientB"/> when not empty.
    /// </summary>
    public static void MinMaxBackward(ReadOnlySpan<float> upstream, ReadOnlySpan<float> a, ReadOnlySpan<float> b, bool minimum,
        Span<float> gradientA, Span<float> gradientB)
    {
        for (int i = 0; i < upstream.Length; i++)
        {
            float g = upstream[i], left = a[i], right = b[i];
            // maximum: a loses where a < b, b loses where a > b; minimum: the other way round.
            bool aLoses = minimum ? left > right : left < right;
            bool bLoses = minimum ? left < right : left > right;
            bool tie = left == right;
            if (!gradientA.IsEmpty) gradientA[i] = tie ? 0.5f * g : aLoses ? 0f : g;
            if (!gradientB.IsEmpty) gradientB[i] = tie ? 0.5f * g : bLoses ? 0f : g;
        }
    }
}
