using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels;

/// <summary>The Adam variants (decoupled weight decay, AMSGrad) and RMSprop, each one fused Vector256 pass.</summary>
internal static partial class OptimizerKernels
{
    /// <summary>
    /// One step of Adam with its PyTorch 1.13 variants, in PyTorch's arithmetic order:
    /// p ← p·decayFactor (AdamW's decoupled decay, 1 − lr·λ; 1 for none); d = g + λ₂·p (L2, Adam's weight decay);
    /// m = β₁m + (1−β₁)d; v = β₂v + (1−β₂)d²; with AMSGrad v̂ = max(v̂, v) replaces v below;
    /// p −= (lr / bc₁) · m / (√v / √bc₂ + ε).
    /// </summary>
    /// <remarks>
    /// Like <see cref="Adam"/>: separate IEEE operations in a fixed order, so any split of the arrays into pieces of
    /// whole vectors gives the same bits. <paramref name="maxExpAvgSq"/> is empty unless AMSGrad is on.
    /// </remarks>
    public static void AdamVariant(Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> expAvg, Span<float> expAvgSq,
        Span<float> maxExpAvgSq, float beta1, float beta2, float epsilon, float l2Decay, float decayFactor, float stepSize,
        float biasCorrection2Sqrt)
    {
        int n = parameter.Length;
        bool amsgrad = !maxExpAvgSq.IsEmpty;
        if (gradient.Length != n || expAvg.Length != n || expAvgSq.Length != n || (amsgrad && maxExpAvgSq.Length != n))
            throw new ArgumentException("AdamVariant: span lengths differ.");
        float oneMinusBeta1 = 1f - beta1, oneMinusBeta2 = 1f - beta2, negativeStep = -stepSize;
        bool l2 = l2Decay != 0f, decoupled = decayFactor != 1f;
        ref float p = ref MemoryMarshal.GetReference(parameter);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float m = ref MemoryMarshal.GetReference(expAvg);
        ref float v = ref MemoryMarshal.GetReference(expAvgSq);
        ref float vMax = ref MemoryMarshal.GetReference(maxExpAvgSq);
        var b1 = Vector256.Create(beta1);
        var b2 = Vector256.Create(beta2);
        var c1 = Vector256.Create(oneMinusBeta1);
        var c2 = Vector256.Create(oneMinusBeta2);
        var decay = Vector256.Create(l2Decay);
        var factor = Vector256.Create(decayFactor);
        var bc2 = Vector256.Create(biasCorrection2Sqrt);
        var eps = Vector256.Create(epsilon);
        var step = Vector256.Create(negativeStep);
        int i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var pi = Vector256.LoadUnsafe(ref p, (nuint)i);
            var d = Vector256.LoadUnsafe(ref g, (nuint)i);
            if (decoupled) pi *= factor;
            if (l2) d = pi * decay + d;
            var mi = Vector256.LoadUnsafe(ref m, (nuint)i) * b1;
            mi = d * c1 + mi;
            var vi = Vector256.LoadUnsafe(ref v, (nuint)i) * b2;
            vi = d * d * c2 + vi;
            var root = vi;
            if (amsgrad)
            {
                root = Vector256.Max(Vector256.LoadUnsafe(ref vMax, (nuint)i), vi);
                root.StoreUnsafe(ref vMax, (nuint)i);
            }
            var denominator = Vector256.Sqrt(root) / bc2 + eps;
            pi = mi / denominator * step + pi;
            mi.StoreUnsafe(ref m, (nuint)i);
            vi.StoreUnsafe(ref v, (nuint)i);
            pi.StoreUnsafe(ref p, (nuint)i);
        }
        for (; i < n; i++)
        {
            float pi = parameter[i];
            float d = gradient[i];
            if (decoupled) pi *= decayFactor;
            if (l2) d = pi * l2Decay + d;
            float mi = expAvg[i] * beta1;
            mi = d * oneMinusBeta1 + mi;
            float vi = expAvgSq[i] * beta2;
            vi = d * d * oneMinusBeta2 + vi;
            float root = vi;
            if (amsgrad) maxExpAvgSq[i] = root = MathF.Max(maxExpAvgSq[i], vi);
            float denominator = MathF.Sqrt(root) / biasCorrection2Sqrt + epsilon;
            parameter[i] = mi / denominator * negativeStep + pi;
            expAvg[i] = mi;
            expAvgSq[i] = vi;
        }
    }

    /// <summary>
    /// One RMSprop step (Hinton's lecture 6e; PyTorch 1.13's <c>torch.optim.RMSprop</c>): d = g + λ·p;
    /// s = αs + (1−α)d²; centered: a = αa + (1−α)d and r = √(s − a²) + ε, else r = √s + ε;
    /// with momentum μ: b = μb + d/r and p −= lr·b, else p −= lr·d/r.
    /// </summary>
    /// <remarks><paramref name="gradAvg"/> is empty unless centered, <paramref name="momentumBuffer"/> unless μ &gt; 0.</remarks>
    public static void RmsProp(Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> squareAvg, Span<float> gradAvg,
        Span<float> momentumBuffer, float learningRate, float alpha, float epsilon, float weightDecay, float momentum)
    {
        int n = parameter.Length;
        bool centered = !gradAvg.IsEmpty, usesMomentum = !momentumBuffer.IsEmpty;
        if (gradient.Length != n || squareAvg.Length != n || (centered && gradAvg.Length != n) || (usesMomentum && momentumBuffer.Length != n))
            throw new ArgumentException("RmsProp: span lengths differ.");
        float oneMinusAlpha = 1f - alpha, negativeRate = -learningRate;
        bool decays = weightDecay != 0f;
        ref float p = ref MemoryMarshal.GetReference(parameter);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float s = ref MemoryMarshal.GetReference(squareAvg);
        ref float a = ref MemoryMarshal.GetReference(gradAvg);
        ref float b = ref MemoryMarshal.GetReference(momentumBuffer);
        var alphaV = Vector256.Create(alpha);
        var oneMinusAlphaV = Vector256.Create(oneMinusAlpha);
        var decay = Vector256.Create(weightDecay);
        var eps = Vector256.Create(epsilon);
        var mu = Vector256.Create(momentum);
        var rate = Vector256.Create(negativeRate);
        int i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var pi = Vector256.LoadUnsafe(ref p, (nuint)i);
            var d = Vector256.LoadUnsafe(ref g, (nuint)i);
            if (decays) d = pi * decay + d;
            var si = Vector256.LoadUnsafe(ref s, (nuint)i) * alphaV;
            si = d * d * oneMinusAlphaV + si;
            si.StoreUnsafe(ref s, (nuint)i);
            Vector256<float> root;
            if (centered)
            {
                var ai = Vector256.LoadUnsafe(ref a, (nuint)i) * alphaV;
                ai = d * oneMinusAlphaV + ai;
                ai.StoreUnsafe(ref a, (nuint)i);
                root = Vector256.Sqrt(si - ai * ai) + eps;
            }
            else root = Vector256.Sqrt(si) + eps;
            if (usesMomentum)
            {
                var bi = Vector256.LoadUnsafe(ref b, (nuint)i) * mu;
                bi = d / root + bi;
                bi.StoreUnsafe(ref b, (nuint)i);
                pi = bi * rate + pi;
            }
            else pi = d / root * rate + pi;
            pi.StoreUnsafe(ref p, (nuint)i);
        }
        for (; i < n; i++)
        {
            float pi = parameter[i];
            float d = gradient[i];
            if (decays) d = pi * weightDecay + d;
            float si = squareAvg[i] * alpha;
            si = d * d * oneMinusAlpha + si;
            squareAvg[i] = si;
            float root;
            if (centered)
            {
                float ai = gradAvg[i] * alpha;
                ai = d * oneMinusAlpha + ai;
                gradAvg[i] = ai;
                root = MathF.Sqrt(si - ai * ai) + epsilon;
            }
            else root = MathF.Sqrt(si) + epsilon;
            if (usesMomentum)
            {
                float bi = momentumBuffer[i] * momentum;
                bi = d / root + bi;
                momentumBuffer[i] = bi;
                parameter[i] = bi * negativeRate + pi;
            }
            else parameter[i] = d / root * negativeRate + pi;
        }
    }
}
