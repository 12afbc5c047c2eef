using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>A function of eight floats at once (a vectorised forward map or local derivative).</summary>
internal interface IVectorFunction
{
    Vector256<float> At(Vector256<float> x);
}

/// <summary>
/// Loops running an <see cref="IVectorFunction"/> over spans. The tail (length mod 8) goes through the
/// same vector code on a zero-padded copy, so every element gets bit-for-bit the same result whatever
/// its position and the span's length.
/// </summary>
internal static class VectorLoops
{
    /// <summary>y[i] = f(x[i]).</summary>
    public static void Map<TFunction>(ReadOnlySpan<float> x, Span<float> y, TFunction f) where TFunction : struct, IVectorFunction
    {
        int n = x.Length;
        if (y.Length != n) throw new ArgumentException("VectorLoops.Map: span lengths differ.");
        ref float source = ref MemoryMarshal.GetReference(x);
        ref float destination = ref MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            f.At(Vector256.LoadUnsafe(ref source, (nuint)i)).StoreUnsafe(ref destination, (nuint)i);
        if (i == n) return;
        Span<float> tail = stackalloc float[Vector256<float>.Count];
        tail.Clear();
        x[i..].CopyTo(tail);
        f.At(Vector256.Create<float>(tail)).CopyTo(tail);
        tail[..(n - i)].CopyTo(y[i..]);
    }

    /// <summary>
    /// gradient[i] += upstream[i] · f′(x[i]); with <paramref name="overwrite"/>, gradient[i] = upstream[i] · f′(x[i])
    /// (the old contents are not read).
    /// </summary>
    public static void AccumulateChain<TDerivative>(ReadOnlySpan<float> upstream, ReadOnlySpan<float> x, Span<float> gradient, TDerivative derivative,
        bool overwrite = false) where TDerivative : struct, IVectorFunction
    {
        int n = x.Length;
        if (upstream.Length != n || gradient.Length != n) throw new ArgumentException("VectorLoops.AccumulateChain: span lengths differ.");
        ref float g = ref MemoryMarshal.GetReference(upstream);
        ref float v = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(gradient);
        int i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var contribution = Vector256.LoadUnsafe(ref g, (nuint)i) * derivative.At(Vector256.LoadUnsafe(ref v, (nuint)i));
            if (!overwrite) contribution = Vector256.LoadUnsafe(ref d, (nuint)i) + contribution;
            contribution.StoreUnsafe(ref d, (nuint)i);
        }
        if (i == n) return;
        Span<float> tail = stackalloc float[Vector256<float>.Count];
        tail.Clear();
        x[i..].CopyTo(tail);
        derivative.At(Vector256.Create<float>(tail)).CopyTo(tail);
        for (int k = 0; i + k < n; k++)
        {
            float contribution = upstream[i + k] * tail[k];
            gradient[i + k] = overwrite ? contribution : gradient[i + k] + contribution;
        }
    }
}
