using System.Numerics.Tensors;
using Workbench.Kernels;

namespace Workbench.Tensors;

/// <summary>How an elementwise loss is combined into the returned tensor.</summary>
public enum Reduction
{
    /// <summary>Return the elementwise terms (same shape as the input).</summary>
    None,
    /// <summary>Return the sum of all terms, a rank-0 tensor.</summary>
    Sum,
    /// <summary>Return the mean of all terms (over every element, as PyTorch's reduction="mean"), a rank-0 tensor.</summary>
    Mean,
}

/// <summary>
/// Fused, numerically stable losses and log-densities for VAEs. Each is one forward pass over the
/// elements and one hand-written backward rule (not a chain of smaller ops), so no intermediate
/// overflows and no graph of temporaries is kept. All values are in nats (natural logarithms).
/// </summary>
public static partial class Losses
{
    /// <summary>
    /// Binary cross-entropy of Bernoulli(σ(logits)) against <paramref name="targets"/>, effectively
    /// −[t·log σ(l) + (1 − t)·log(1 − σ(l))] per element, in nats, computed as
    /// max(l, 0) − l·t + log1p(e^−|l|) so it is finite for any finite logit. Matches
    /// <c>torch.nn.functional.binary_cross_entropy_with_logits</c> (default reduction there is mean;
    /// here sum, the usual VAE reconstruction term). Targets may be any reals (usually in [0, 1]).
    /// </summary>
    /// <remarks>∂/∂l = σ(l) − t; ∂/∂t = −l (targets may require grad).</remarks>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Sum)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        CheckReduction(reduction);
        Tensor.RequireSameShape(logits, targets, "BinaryCrossEntropyWithLogits: logits and targets");
        var terms = Tensor.Uninitialized(logits.Dims);
        // When the logits need a gradient, σ(l) − t is kept from the forward pass (it shares e^−|l| with the loss).
        var derivative = Tensor.Tracks(logits) ? Tensor.Uninitialized(logits.Dims) : null;
        LossKernels.BinaryCrossEntropyWithLogits(logits.Storage, targets.Storage, terms.Storage, derivative is null ? default : derivative.Storage);
        var y = Reduce(terms, reduction);
        if (!Tensor.Tracks(logits, targets)) return y;
        return y.Record("BinaryCrossEntropyWithLogits", [logits, targets], g =>
        {
            var upstream = Upstream(g, reduction, terms.Size);
            if (derivative is not null)
            {
                var (gradient, beta) = logits.GradForUpdate();
                LossKernels.AccumulateChain(upstream, derivative.Storage, gradient, overwrite: beta == 0f);
            }
            if (targets.RequiresGrad)
                LossKernels.BinaryCrossEntropyWithLogitsBackward(upstream, logits.Storage, targets.Storage, Span<float>.Empty, targets.GradStorage());
        });
    }

    /// <summary>
    /// Per-row sums of <see cref="BinaryCrossEntropyWithLogits"/> against rows picked from the targets:
    /// effectively y[r] = Σ_j BCE(logits[r, j], targets[targetRows[r], j]), (R, D), (B, D) → (R), nats.
    /// The k decoder rows of one image read its target row through the map instead of a copy, and the
    /// terms are summed as they are made (one pass, nothing (R, D) but the kept derivative).
    /// </summary>
    /// <remarks>∂/∂l = σ(l) − t. Targets that need a gradient take the unfused path (gather, then the elementwise loss).</remarks>
    public static Tensor BinaryCrossEntropyWithLogitsRows(Tensor logits, Tensor targets, int[] targetRows)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(targetRows);
        if (logits.Rank != 2 || targets.Rank != 2 || logits.Dims[1] != targets.Dims[1] || logits.Dims[0] != targetRows.Length)
            throw new ArgumentException($"BinaryCrossEntropyWithLogitsRows: logits {Tensor.ShapeText(logits.Dims)} must be (R, D) with R = {targetRows.Length} (the row map's length) and targets {Tensor.ShapeText(targets.Dims)} (B, D).");
        if (Tensor.Tracks(targets))
            return BinaryCrossEntropyWithLogits(logits, targets.GatherRows(targetRows), Reduction.None).Sum(1);
        int width = logits.Dims[1];
        var y = Tensor.Uninitialized([targetRows.Length]);
        var derivative = Tensor.Tracks(logits) ? Tensor.Uninitialized(logits.Dims) : null;
        LossKernels.BinaryCrossEntropyWithLogitsRows(logits.Storage, targets.Storage, targetRows, width, y.Storage, derivative is null ? default : derivative.Storage);
        if (derivative is null) return y;
        return y.Record("BinaryCrossEntropyWithLogitsRows", [logits], g =>
        {
            var (gradient, beta) = logits.GradForUpdate();
            LossKernels.BinaryCrossEntropyRowsChain(g.Storage, derivative.Storage, width, gradient, overwrite: beta == 0f);
        });
    }

    /// <summary>
    /// The log-density of x under N(μ, σ²) with σ² = exp(<paramref name="logVariance"/>), effectively
    /// −½(log 2π + log σ² + (x − μ)²/σ²) per element, in nats, <b>including</b> the −½·log 2π constant
    /// (so it is a true log-likelihood, comparable across models; negate it for a loss).
    /// <paramref name="mean"/> and <paramref name="logVariance"/> broadcast to x's shape (NumPy rules),
    /// e.g. a learned per-feature (D) or shared (1) log-variance against (B, D) data.
    /// </summary>
    /// <remarks>With w = (x − μ)/σ²: ∂/∂x = −w, ∂/∂μ = w, ∂/∂logσ² = ½((x − μ)·w − 1); gradients of
    /// broadcast operands are summed over the repeated dimensions.</remarks>
    public static Tensor GaussianLogLikelihood(Tensor x, Tensor mean, Tensor logVariance, Reduction reduction = Reduction.Sum)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logVariance);
        CheckReduction(reduction);
        var (meanValues, meanPlan) = ExpandTo(x, mean, "mean");
        var (logVarianceValues, logVariancePlan) = ExpandTo(x, logVariance, "logVariance");
        var terms = Tensor.Uninitialized(x.Dims);
        LossKernels.GaussianLogLikelihood(x.Storage, meanValues, logVarianceValues, terms.Storage);
        var y = Reduce(terms, reduction);
        if (!Tensor.Tracks([x, mean, logVariance])) return y;
        return y.Record("GaussianLogLikelihood", [x, mean, logVariance], g =>
        {
            // Broadcast operands get their elementwise gradient in x's shape first, then summed back.
            float[]? meanGradient = meanPlan is null || !mean.RequiresGrad ? null : Tensor.Zeros(x.Dims).Storage;
            float[]? logVarianceGradient = logVariancePlan is null || !logVariance.RequiresGrad ? null : Tensor.Zeros(x.Dims).Storage;
            LossKernels.GaussianLogLikelihoodBackward(Upstream(g, reduction, terms.Size), x.Storage, meanValues, logVarianceValues,
                GradientOrEmpty(x), meanGradient ?? GradientOrEmpty(mean), logVarianceGradient ?? GradientOrEmpty(logVariance));
            if (meanGradient is not null) Elementwise.AccumulateUnbroadcast(meanGradient, mean.GradStorage(), meanPlan, targetIsA: false);
            if (logVarianceGradient is not null)
                Elementwise.AccumulateUnbroadcast(logVarianceGradient, logVariance.GradStorage(), logVariancePlan, targetIsA: false);
        });
    }

    /// <summary>
    /// KL(N(μ, σ²) ‖ N(0, 1)) for independent coordinates with σ² = exp(<paramref name="logVariance"/>),
    /// effectively ½(μ² + σ² − 1 − log σ²) per element, in nats; exact, no constant dropped (it is 0
    /// when μ = 0 and σ² = 1). Summed over latent dimensions this is the VAE's KL term
    /// (Kingma &amp; Welling, 2014, Appendix B). <paramref name="mean"/> and <paramref name="logVariance"/>
    /// must have the same shape.
    /// </summary>
    /// <remarks>∂/∂μ = μ; ∂/∂logσ² = ½(σ² − 1).</remarks>
    public static Tensor GaussianKlToStandardNormal(Tensor mean, Tensor logVariance, Reduction reduction = Reduction.Sum)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logVariance);
        CheckReduction(reduction);
        Tensor.RequireSameShape(mean, logVariance, "GaussianKlToStandardNormal: mean and logVariance");
        var terms = Tensor.Uninitialized(mean.Dims);
        LossKernels.GaussianKlToStandardNormal(mean.Storage, logVariance.Storage, terms.Storage);
        var y = Reduce(terms, reduction);
        if (!Tensor.Tracks(mean, logVariance)) return y;
        return y.Record("GaussianKlToStandardNormal", [mean, logVariance], g =>
            LossKernels.GaussianKlToStandardNormalBackward(Upstream(g, reduction, terms.Size), mean.Storage, logVariance.Storage,
                GradientOrEmpty(mean), GradientOrEmpty(logVariance)));
    }

    /// <summary>The elementwise terms themselves, or their sum or mean as a new rank-0 tensor.</summary>
    private static Tensor Reduce(Tensor terms, Reduction reduction)
    {
        if (reduction == Reduction.None) return terms;
        var y = Tensor.Uninitialized([]);
        float sum = TensorPrimitives.Sum<float>(terms.Storage);
        y.Storage[0] = reduction == Reduction.Mean ? sum / terms.Size : sum;
        return y;
    }

    private static UpstreamGradient Upstream(Tensor g, Reduction reduction, int count) => reduction switch
    {
        Reduction.None => new UpstreamGradient(g.Storage, 1f, perElement: true),
        Reduction.Sum => new UpstreamGradient(g.Storage, 1f, perElement: false),
        _ => new UpstreamGradient(g.Storage, 1f / count, perElement: false),
    };

    private static Span<float> GradientOrEmpty(Tensor t) => t.RequiresGrad ? t.GradStorage() : Span<float>.Empty;

    /// <summary>The operand's values laid out in x's shape (its own storage when shapes are equal), and the broadcast plan used.</summary>
    private static (float[] Values, BroadcastPlan? Plan) ExpandTo(Tensor x, Tensor operand, string name)
    {
        if (x.Dims.AsSpan().SequenceEqual(operand.Dims)) return (operand.Storage, null);
        BroadcastPlan plan;
        try { plan = BroadcastPlan.For(x.Dims, operand.Dims); }
        catch (ArgumentException) { plan = null!; }
        if (plan is null || !plan.OutputShape.AsSpan().SequenceEqual(x.Dims))
            throw new ArgumentException(
                $"GaussianLogLikelihood: {name} of shape {Tensor.ShapeText(operand.Dims)} does not broadcast to x's shape {Tensor.ShapeText(x.Dims)}.");
        var expanded = Tensor.Uninitialized(x.Dims);
        LossKernels.ExpandOperandB(operand.Storage, plan, expanded.Storage);
        return (expanded.Storage, plan);
    }

    private static void CheckReduction(Reduction reduction)
    {
        if (!Enum.IsDefined(reduction))
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Reduction must be None, Sum or Mean.");
    }
}
