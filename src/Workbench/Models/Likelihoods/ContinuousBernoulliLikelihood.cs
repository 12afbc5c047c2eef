using Workbench.Tensors;

namespace Workbench.Models.Likelihoods;

/// <summary>
/// Independent continuous Bernoulli pixels (Loaiza-Ganem &amp; Cunningham 2019): CB(x; λ) = C(λ)·λˣ(1 − λ)¹⁻ˣ on
/// x ∈ [0, 1] with λ = σ(decoder output). The Bernoulli likelihood applied to grey levels is not a density of them
/// (its cross-entropy lacks the normaliser C(λ)); this adds log C, so −log p = Σ_pixels BCE(logits, x) − log C(λ) is the
/// negative log-density of the grey-level image, in nats per image. A density, not a probability: it can be negative,
/// and it is not comparable with a probability mass function's nats.
/// </summary>
public sealed class ContinuousBernoulliLikelihood : Likelihood
{
    public override Tensor NegativeLogLikelihood(Tensor decoderOutput, Tensor x) =>
        Losses.ContinuousBernoulliNegativeLogLikelihood(decoderOutput, x, Reduction.None).Sum(1);

    /// <summary>E[x | z] = 1/(1 − e^−l) − 1/l per pixel (not λ: the continuous Bernoulli's mean lies nearer ½).</summary>
    public override Tensor Mean(Tensor decoderOutput) => Losses.ContinuousBernoulliMean(decoderOutput);

    public override string ToString() => "ContinuousBernoulliLikelihood()";
}
