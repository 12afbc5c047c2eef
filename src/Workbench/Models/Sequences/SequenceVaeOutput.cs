using Workbench.Models.Posteriors;
using Workbench.Tensors;

namespace Workbench.Models.Sequences;

/// <summary>One forward pass of a <see cref="SequenceVae"/>'s input: sentences, the noise of their codes, and where training is.</summary>
/// <param name="Tokens">The sentences.</param>
/// <param name="Noise">ε ~ N(0, I) of z = μ + σ·ε, (B, latent): passing it makes a pass reproducible.</param>
/// <param name="Progress">Where training is (the KL annealing reads it); null outside training, where the schedule's final weight applies.</param>
public sealed record SequenceVaeBatch(TokenBatch Tokens, Tensor Noise, TrainingProgress? Progress = null);

/// <summary>What one forward pass of a <see cref="SequenceVae"/> computes; scalars are batch means in nats per sentence.</summary>
/// <param name="Loss">Reconstruction + β_t·KL, the batch mean: what the optimizer minimises. Scalar.</param>
/// <param name="Reconstruction">−log p(x|z) at the sampled z, nats per sentence (all n + 1 predicted words). Scalar.</param>
/// <param name="Kl">KL(q(z|x) ‖ N(0, I)) in closed form, nats per sentence. Scalar.</param>
/// <param name="KlWeight">β_t, the annealed weight of this step.</param>
/// <param name="Posterior">q(z|x) of each sentence.</param>
/// <param name="Z">The codes fed to the decoder. (B, latent)</param>
/// <param name="ReconstructionPerSentence">−log p(x|z) of each sentence. (B)</param>
/// <param name="KlPerSentence">The KL of each sentence. (B)</param>
public sealed record SequenceVaeOutput(Tensor Loss, Tensor Reconstruction, Tensor Kl, float KlWeight, DiagonalGaussian Posterior, Tensor Z,
    Tensor ReconstructionPerSentence, Tensor KlPerSentence)
{
    /// <summary>−ELBO per sentence (reconstruction + KL with weight 1), whatever this step's β.</summary>
    public float NegativeElbo => Reconstruction.Item() + Kl.Item();
}

/// <summary>What one forward pass of an <see cref="RnnLanguageModel"/> computes.</summary>
/// <param name="Loss">−log p(x), the batch mean in nats per sentence. Scalar.</param>
/// <param name="NegativeLogLikelihoodPerSentence">−log p(x) of each sentence (all n + 1 predicted words). (B)</param>
public sealed record LanguageModelOutput(Tensor Loss, Tensor NegativeLogLikelihoodPerSentence);
