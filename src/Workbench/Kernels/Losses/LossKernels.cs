namespace Workbench.Kernels;

/// <summary>
/// The gradient arriving at a loss: one value per element (no reduction) or one scalar shared by all
/// elements (sum, or mean with <see cref="Scale"/> = 1/N).
/// </summary>
internal readonly struct UpstreamGradient(float[] values, float scale, bool perElement)
{
    public float At(int i) => (perElement ? values[i] : values[0]) * scale;

    public float Scale => scale;

    /// <summary>The raw values: one per element when <see cref="PerElement"/>, else one shared.</summary>
    public float[] Values => values;

    public bool PerElement => perElement;
}

/// <summary>
/// Fused elementwise losses and their derivatives, each in one pass. Spans have equal lengths
/// (operands already broadcast); a gradient span that is empty is skipped, otherwise it is added into.
/// </summary>
internal static class LossKernels
{
    private const float Log2Pi = 1.8378770664093453f; // log(2π)

    /// <summary>loss = max(l, 0) − l·t + log1p(e^−|l|), the cross-entropy of Bernoulli(σ(l)) against target t.</summary>
    /// <param name="derivative">When not empty, receives σ(l) − t = ∂loss/∂l.</param>
    public static void BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> loss, Span<float> derivative = default) =>
        BinaryCrossEntropyKernels.Forward(logits, targets, loss, derivative);

    /// <summary>gradient (+)= upstream ⊙ derivative, for an elementwise loss whose local derivative was stored.</summary>
    public static void AccumulateChain(UpstreamGradient upstream, ReadOnlySpan<float> derivative, Span<float> gradient, bool overwrite = false) =>
        BinaryCrossEntropyKernels.AccumulateChain(upstream, derivative, gradient, overwrite);

    /// <summary>rowLoss[r] = Σ_j of the loss above for logits row r against targets row targetRows[r] (a row map instead of copies).</summary>
    public static void BinaryCrossEntropyWithLogitsRows(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<int> targetRows, int width,
        Span<float> rowLoss, Span<float> derivative = default) =>
        BinaryCrossEntropyKernels.RowSums(logits, targets, targetRows, width, rowLoss, derivative);

    /// <summary>gradient[r, j] (+)= upstream[r]·derivative[r, j], the chain rule through the row sums.</summary>
    public static void BinaryCrossEntropyRowsChain(ReadOnlySpan<float> upstream, ReadOnlySpan<float> derivative, int width, Span<float> gradient, bool overwrite) =>
        BinaryCrossEntropyKernels.RowChain(upstream, derivative, width, gradient, overwrite);

    /// <summary>∂/∂l = σ(l) − t, ∂/∂t = −l.</summary>
    public static void BinaryCrossEntropyWithLogitsBackward(UpstreamGradient upstream, ReadOnlySpan<float> logits, ReadOnlySpan<float> targets,
        Span<float> logitsGradient, Span<float> targetsGradient) =>
        BinaryCrossEntropyKernels.Backward(upstream, logits, targets, logitsGradient, targetsGradient);

    /// <summary>loss = −½(log 2π + v + (x − μ)² e^−v), the log-density of N(μ, eᵛ) at x.</summary>
    public static void GaussianLogLikelihood(ReadOnlySpan<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> logVariance, Span<float> loss)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float d = x[i] - mean[i];
            loss[i] = -0.5f * (Log2Pi + logVariance[i] + d * d * MathF.Exp(-logVariance[i]));
        }
    }

    /// <summary>With w = (x − μ)e^−v: ∂/∂x = −w, ∂/∂μ = w, ∂/∂v = ½((x − μ)·w − 1).</summary>
    public static void GaussianLogLikelihoodBackward(UpstreamGradient upstream, ReadOnlySpan<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> logVariance,
        Span<float> xGradient, Span<float> meanGradient, Span<float> logVarianceGradient)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float g = upstream.At(i);
            float d = x[i] - mean[i];
            float w = d * MathF.Exp(-logVariance[i]);
            if (!xGradient.IsEmpty) xGradient[i] -= g * w;
            if (!meanGradient.IsEmpty) meanGradient[i] += g * w;
            if (!logVarianceGradient.IsEmpty) logVarianceGradient[i] += 0.5f * g * (d * w - 1f);
        }
    }

    /// <summary>loss = ½(μ² + eᵛ − 1 − v) = KL(N(μ, eᵛ) ‖ N(0, 1)).</summary>
    public static void GaussianKlToStandardNormal(ReadOnlySpan<float> mean, ReadOnlySpan<float> logVariance, Span<float> loss)
    {
        for (int i = 0; i < mean.Length; i++)
        {
            float mu = mean[i], v = logVariance[i];
            loss[i] = 0.5f * (mu * mu + MathF.Exp(v) - 1f - v);
        }
    }

    /// <summary>∂/∂μ = μ, ∂/∂v = ½(eᵛ − 1).</summary>
    public static void GaussianKlToStandardNormalBackward(UpstreamGradient upstream, ReadOnlySpan<float> mean, ReadOnlySpan<float> logVariance,
        Span<float> meanGradient, Span<float> logVarianceGradient)
    {
        for (int i = 0; i < mean.Length; i++)
        {
            float g = upstream.At(i);
            if (!meanGradient.IsEmpty) meanGradient[i] += g * mean[i];
            if (!logVarianceGradient.IsEmpty) logVarianceGradient[i] += 0.5f * g * (MathF.Exp(logVariance[i]) - 1f);
        }
    }

    /// <summary>destination (the plan's output shape) = source (operand B of <paramref name="plan"/>) repeated along its broadcast dimensions.</summary>
    public static void ExpandOperandB(float[] source, BroadcastPlan plan, float[] destination)
    {
        var state = (Source: source, Destination: destination, Run: plan.RunLength, Advances: plan.RunAdvancesB);
        plan.ForEachRun(ref state, static (ref (float[] Source, float[] Destination, int Run, bool Advances) s, int o, int ia, int ib) =>
        {
            var dst = s.Destination.AsSpan(o, s.Run);
            if (s.Advances) s.Source.AsSpan(ib, s.Run).CopyTo(dst);
            else dst.Fill(s.Source[ib]);
        });
    }
}
