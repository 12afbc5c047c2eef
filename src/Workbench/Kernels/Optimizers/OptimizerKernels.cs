using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>
/// In-place parameter updates for the optimizers; none allocates. Adam is one fused Vector256 pass over a
/// span (the optimizer runs it on all parameters as one job on the kernel worker threads); SGD walks the
/// parameter in fixed-size chunks of TensorPrimitives calls with a stack scratch buffer.
/// </summary>
internal static partial class OptimizerKernels
{
    private const int ChunkLength = 1024;

    /// <summary>Elements per part when the updates of many parameters run as one job (a multiple of the vector width).</summary>
    internal const int AdamPartLength = 16 * 1024;

    /// <summary>
    /// One Adam step (Kingma &amp; Ba 2015) in PyTorch 1.13's arithmetic order:
    /// d = g + λ·p; m = β₁m + (1−β₁)d; v = β₂v + (1−β₂)d²; p −= (lr / bc₁) · m / (√v / √bc₂ + ε).
    /// </summary>
    /// <remarks>
    /// One fused pass with 8 lanes on the calling thread: each element is read and written once. Every
    /// operation is a separate IEEE multiply, add, divide or square root (no fused multiply-add), in the
    /// order above, so the result equals the step computed one operation at a time over whole arrays, bit
    /// for bit, and any split of the arrays into pieces of whole vectors gives the same bits.
    /// </remarks>
    public static void Adam(Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> expAvg, Span<float> expAvgSq,
        float beta1, float beta2, float epsilon, float weightDecay, float stepSize, float biasCorrection2Sqrt)
    {
        int n = parameter.Length;
        if (gradient.Length != n || expAvg.Length != n || expAvgSq.Length != n) throw new ArgumentException("Adam: span lengths differ.");
        float oneMinusBeta1 = 1f - beta1, oneMinusBeta2 = 1f - beta2, negativeStep = -stepSize;
        ref float p = ref MemoryMarshal.GetReference(parameter);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float m = ref MemoryMarshal.GetReference(expAvg);
        ref float v = ref MemoryMarshal.GetReference(expAvgSq);
        var b1 = Vector256.Create(beta1);
        var b2 = Vector256.Create(beta2);
        var c1 = Vector256.Create(oneMinusBeta1);
        var c2 = Vector256.Create(oneMinusBeta2);
        var decay = Vector256.Create(weightDecay);
        var bc2 = Vector256.Create(biasCorrection2Sqrt);
        var eps = Vector256.Create(epsilon);
        var step = Vector256.Create(negativeStep);
        bool decays = weightDecay != 0f;
        int i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var pi = Vector256.LoadUnsafe(ref p, (nuint)i);
            var d = Vector256.LoadUnsafe(ref g, (nuint)i);
            if (decays) d = pi * decay + d;
            var mi = Vector256.LoadUnsafe(ref m, (nuint)i) * b1;
            mi = d * c1 + mi;
            var vi = Vector256.LoadUnsafe(ref v, (nuint)i) * b2;
            vi = d * d * c2 + vi;
            var denominator = Vector256.Sqrt(vi) / bc2 + eps;
            pi = mi / denominator * step + pi;
            mi.StoreUnsafe(ref m, (nuint)i);
            vi.StoreUnsafe(ref v, (nuint)i);
            pi.StoreUnsafe(ref p, (nuint)i);
        }
        for (; i < n; i++)
        {
            float d = gradient[i];
            if (decays) d = parameter[i] * weightDecay + d;
            float mi = expAvg[i] * beta1;
            mi = d * oneMinusBeta1 + mi;
            float vi = expAvgSq[i] * beta2;
            vi = d * d * oneMinusBeta2 + vi;
            float denominator = MathF.Sqrt(vi) / biasCorrection2Sqrt + epsilon;
            parameter[i] = mi / denominator * negativeStep + parameter[i];
            expAvg[i] = mi;
            expAvgSq[i] = vi;
        }
    }

    /// <summary>
    /// One SGD step in PyTorch 1.13's form: d = g + λ·p; with momentum μ the buffer is
    /// b = d on the first step and b = μb + (1 − dampening)·d afterwards, and d becomes b (or d + μb for Nesterov);
    /// then p −= lr·d.
    /// </summary>
    public static void Sgd(Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> momentumBuffer, bool firstStep,
        float learningRate, float momentum, float weightDecay, bool nesterov, float dampening = 0f)
    {
        Span<float> scratch = stackalloc float[ChunkLength];
        for (int start = 0; start < parameter.Length; start += ChunkLength)
        {
            int n = Math.Min(ChunkLength, parameter.Length - start);
            var p = parameter.Slice(start, n);
            var d = scratch[..n];
            if (weightDecay != 0f) TensorPrimitives.MultiplyAdd(p, weightDecay, gradient.Slice(start, n), d);
            else gradient.Slice(start, n).CopyTo(d);

            if (momentum != 0f)
            {
                var b = momentumBuffer.Slice(start, n);
                if (firstStep) d.CopyTo(b);
                else if (dampening == 0f) TensorPrimitives.MultiplyAdd(b, momentum, d, b);
                else
                {
                    TensorPrimitives.Multiply(b, momentum, b);
                    TensorPrimitives.MultiplyAdd(d, 1f - dampening, b, b);
                }
                if (nesterov) TensorPrimitives.MultiplyAdd(b, momentum, d, d);
                else b.CopyTo(d);
            }
            TensorPrimitives.MultiplyAdd(d, -learningRate, p, p);
        }
    }

    /// <summary>Σ x², accumulated per call in float by TensorPrimitives.Norm and squared in double.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        double norm = TensorPrimitives.Norm(x);
        return norm * norm;
    }

    /// <summary>x ← x·factor.</summary>
    public static void Scale(Span<float> x, float factor) => TensorPrimitives.Multiply(x, factor, x);
}
