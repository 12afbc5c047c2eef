using System.Numerics.Tensors;

namespace Workbench.Kernels;

/// <summary>
/// In-place parameter updates for the optimizers, vectorised with TensorPrimitives. Each update walks
/// the parameter in fixed-size chunks with a stack scratch buffer, so a step allocates nothing.
/// </summary>
internal static class OptimizerKernels
{
    private const int ChunkLength = 1024;

    /// <summary>
    /// One Adam step (Kingma &amp; Ba 2015) in PyTorch 1.13's arithmetic order:
    /// d = g + λ·p; m = β₁m + (1−β₁)d; v = β₂v + (1−β₂)d²; p −= (lr / bc₁) · m / (√v / √bc₂ + ε).
    /// </summary>
    public static void Adam(Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> expAvg, Span<float> expAvgSq,
        float beta1, float beta2, float epsilon, float weightDecay, float stepSize, float biasCorrection2Sqrt)
    {
        Span<float> scratch = stackalloc float[ChunkLength];
        for (int start = 0; start < parameter.Length; start += ChunkLength)
        {
            int n = Math.Min(ChunkLength, parameter.Length - start);
            var p = parameter.Slice(start, n);
            var m = expAvg.Slice(start, n);
            var v = expAvgSq.Slice(start, n);
            var d = scratch[..n];
            if (weightDecay != 0f) TensorPrimitives.MultiplyAdd(p, weightDecay, gradient.Slice(start, n), d);
            else gradient.Slice(start, n).CopyTo(d);

            TensorPrimitives.Multiply(m, beta1, m);
            TensorPrimitives.MultiplyAdd(d, 1f - beta1, m, m);
            TensorPrimitives.Multiply(d, d, d);
            TensorPrimitives.Multiply(v, beta2, v);
            TensorPrimitives.MultiplyAdd(d, 1f - beta2, v, v);

            // d becomes the denominator √v / √bc₂ + ε, then the step direction m / denominator.
            TensorPrimitives.Sqrt(v, d);
            TensorPrimitives.Divide(d, biasCorrection2Sqrt, d);
            TensorPrimitives.Add(d, epsilon, d);
            TensorPrimitives.Divide(m, d, d);
            TensorPrimitives.MultiplyAdd(d, -stepSize, p, p);
        }
    }

    /// <summary>
    /// One SGD step in PyTorch 1.13's form (dampening 0): d = g + λ·p; with momentum μ the buffer is
    /// b = d on the first step and b = μb + d afterwards, and d becomes b (or d + μb for Nesterov);
    /// then p −= lr·d.
    /// </summary>
    public static void Sgd(Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> momentumBuffer, bool firstStep,
        float learningRate, float momentum, float weightDecay, bool nesterov)
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
                else TensorPrimitives.MultiplyAdd(b, momentum, d, b);
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
