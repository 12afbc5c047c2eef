using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>
/// GELU's tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))), PyTorch's approximate="tanh", in
/// chunks small enough to stay in L1: the tanh is TensorPrimitives' vectorised one, the rest
/// elementwise arithmetic in PyTorch's order of operations.
/// </summary>
internal static class GeluTanhKernels
{
    private const float Beta = 0.7978845608028654f;  // √(2/π)
    private const float Kappa = 0.044715f;
    private const int Chunk = 256;

    /// <summary>y = ½x(1 + tanh(β(x + κx³))).</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length != x.Length) throw new ArgumentException("GeluTanhKernels.Forward: span lengths differ.");
        Span<float> inner = stackalloc float[Chunk];
        for (int start = 0; start < x.Length; start += Chunk)
        {
            int length = Math.Min(Chunk, x.Length - start);
            var xs = x.Slice(start, length);
            var t = inner[..length];
            TanhOfInner(xs, t);
            var ys = y.Slice(start, length);
            for (int i = 0; i < length; i++) ys[i] = 0.5f * xs[i] * (1f + t[i]);
        }
    }

    /// <summary>
    /// gradient (+)= upstream · [½(1 + t) + ½x(1 − t²)·β(1 + 3κx²)] with t = tanh(β(x + κx³)); with
    /// <paramref name="overwrite"/> the old gradient is not read.
    /// </summary>
    public static void AccumulateBackward(ReadOnlySpan<float> upstream, ReadOnlySpan<float> x, Span<float> gradient, bool overwrite)
    {
        if (upstream.Length != x.Length || gradient.Length != x.Length) throw new ArgumentException("GeluTanhKernels.AccumulateBackward: span lengths differ.");
        Span<float> inner = stackalloc float[Chunk];
        for (int start = 0; start < x.Length; start += Chunk)
        {
            int length = Math.Min(Chunk, x.Length - start);
            var xs = x.Slice(start, length);
            var t = inner[..length];
            TanhOfInner(xs, t);
            var gs = upstream.Slice(start, length);
            var ds = gradient.Slice(start, length);
            for (int i = 0; i < length; i++)
            {
                float v = xs[i], tanh = t[i];
                float leftDerivative = 0.5f * (1f + tanh);
                float rightDerivative = 0.5f * v * (1f - tanh * tanh) * Beta * (1f + 3f * Kappa * v * v);
                float contribution = gs[i] * (leftDerivative + rightDerivative);
                ds[i] = overwrite ? contribution : ds[i] + contribution;
            }
        }
    }

    /// <summary>t = tanh(β(x + κx³)).</summary>
    private static void TanhOfInner(ReadOnlySpan<float> x, Span<float> t)
    {
        TensorPrimitives.Multiply(x, x, t); // x², then x³ as x·x·x, as PyTorch forms it
        TensorPrimitives.Multiply(t, x, t);
        TensorPrimitives.Multiply(t, Kappa, t);
        TensorPrimitives.Add(t, x, t);
        TensorPrimitives.Multiply(t, Beta, t);
        TensorPrimitives.Tanh(t, t);
    }
}
