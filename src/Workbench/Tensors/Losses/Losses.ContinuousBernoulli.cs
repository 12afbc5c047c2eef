using Workbench.Kernels;

namespace Workbench.Tensors;

// The continuous Bernoulli (Loaiza-Ganem & Cunningham 2019): the Bernoulli's cross-entropy made a density on [0, 1]
// by its normaliser. Forward and derivative of each op side by side; values in nats.
public static partial class Losses
{
    /// <summary>
    /// −log CB(x; λ = σ(logits)) per element, in nats: the binary cross-entropy minus the log normaliser,
    /// effectively BCE(l, x) − log C(λ) with C(λ) = 2 artanh(1 − 2λ)/(1 − 2λ) = l / tanh(l/2). As PyTorch's
    /// <c>-torch.distributions.ContinuousBernoulli(logits=l).log_prob(x)</c>, but computed from the logit in double
    /// (no clamping of λ to [ε, 1 − ε]) with the Taylor branch over PyTorch's λ ∈ (0.499, 0.501].
    /// A density on [0, 1]: it can be negative (the density exceeds 1 when λ is far from ½).
    /// </summary>
    /// <remarks>∂/∂l = σ(l) − x − (1/l − 1/sinh l) (the last term l/6 − … near 0); ∂/∂x = −l.</remarks>
    public static Tensor ContinuousBernoulliNegativeLogLikelihood(Tensor logits, Tensor targets, Reduction reduction = Reduction.Sum)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        CheckReduction(reduction);
        Tensor.RequireSameShape(logits, targets, "ContinuousBernoulliNegativeLogLikelihood: logits and targets");
        var terms = Tensor.Uninitialized(logits.Dims);
        var derivative = Tensor.Tracks(logits) ? Tensor.Uninitialized(logits.Dims) : null;
        var derivativeSpan = derivative is null ? Span<float>.Empty : derivative.Storage.AsSpan();
        LossKernels.BinaryCrossEntropyWithLogits(logits.Storage, targets.Storage, terms.Storage, derivativeSpan);
        ContinuousBernoulliKernels.SubtractLogNormalizer(logits.Storage, terms.Storage, derivativeSpan);
        var y = Reduce(terms, reduction);
        if (!Tensor.Tracks(logits, targets)) return y;
        return y.Record("ContinuousBernoulliNegativeLogLikelihood", [logits, targets], g =>
        {
            var upstream = Upstream(g, reduction, terms.Size);
            if (derivative is not null)
            {
                var (gradient, beta) = logits.GradForUpdate();
                LossKernels.AccumulateChain(upstream, derivative.Storage, gradient, overwrite: beta == 0f);
            }
            if (targets.RequiresGrad) // the normaliser does not depend on x: ∂/∂x is the cross-entropy's −l
                LossKernels.BinaryCrossEntropyWithLogitsBackward(upstream, logits.Storage, targets.Storage, Span<float>.Empty, targets.GradStorage());
        });
    }

    /// <summary>
    /// log C(λ) of the continuous Bernoulli with λ = σ(logits), elementwise, in nats: log(l / tanh(l/2)), log 2 at
    /// l = 0, about log |l| for large |l| (PyTorch's <c>ContinuousBernoulli._cont_bern_log_norm()</c>, from the logit).
    /// </summary>
    /// <remarks>d/dl = 1/l − 1/sinh l.</remarks>
    public static Tensor ContinuousBernoulliLogNormalizer(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var y = Tensor.Uninitialized(logits.Dims);
        ContinuousBernoulliKernels.LogNormalizer(logits.Storage, y.Storage);
        if (!Tensor.Tracks(logits)) return y;
        return y.Record("ContinuousBernoulliLogNormalizer", [logits], g =>
            ContinuousBernoulliKernels.AccumulateChain(g.Storage, logits.Storage, logits.GradStorage(), ofMean: false));
    }

    /// <summary>
    /// E[x] of the continuous Bernoulli with λ = σ(logits), elementwise, in [0, 1]: λ/(2λ − 1) + 1/(2 artanh(1 − 2λ)) =
    /// 1/(1 − e^−l) − 1/l, ½ at l = 0 (PyTorch's <c>ContinuousBernoulli(logits=l).mean</c>). It is not λ: the
    /// continuous Bernoulli's mean is pulled towards ½ (λ = 0.9 has mean 0.67), which is why its pictures show this.
    /// </summary>
    /// <remarks>d/dl = 1/l² − 1/(4 sinh²(l/2)).</remarks>
    public static Tensor ContinuousBernoulliMean(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var y = Tensor.Uninitialized(logits.Dims);
        ContinuousBernoulliKernels.Mean(logits.Storage, y.Storage);
        if (!Tensor.Tracks(logits)) return y;
        return y.Record("ContinuousBernoulliMean", [logits], g =>
            ContinuousBernoulliKernels.AccumulateChain(g.Storage, logits.Storage, logits.GradStorage(), ofMean: true));
    }
}
