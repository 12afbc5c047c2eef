using Workbench.Tensors;

namespace Workbench.Models;

/// <summary>
/// Everything one forward pass of a VAE variant computes. Scalar terms are batch means in nats per
/// image; <see cref="Loss"/> is what the optimizer minimises.
/// </summary>
/// <param name="Loss">The objective: reconstruction weight · <see cref="ReconstructionTerm"/> + the KL penalty. Scalar.</param>
/// <param name="ReconstructionTerm">E_q[−log p(x|z)], one sample of z per image. Scalar, nats/image.</param>
/// <param name="KlTerm">KL(q(z|x) ‖ N(0, I)) in closed form. Scalar, nats/image.</param>
/// <param name="KlPerDimension">The KL of each latent dimension, averaged over the batch. (latent)</param>
/// <param name="KlWeight">The weight applied to the KL this step (β times the schedule; for capacity annealing, γ).</param>
/// <param name="KlTarget">Capacity annealing's target C for this step, in nats; null for other objectives.</param>
/// <param name="Z">The latent sample fed to the decoder. (B, latent)</param>
/// <param name="Mean">μ of q(z|x). (B, latent)</param>
/// <param name="LogVariance">log σ² of q(z|x). (B, latent)</param>
/// <param name="Reconstruction">The decoder output: Bernoulli logits, or the Gaussian mean pre-activation. (B, D)</param>
/// <param name="ReconstructionPerImage">−log p(x|z) per image. (B)</param>
/// <param name="KlPerImage">KL per image. (B)</param>
public sealed record VaeOutput(
    Tensor Loss,
    Tensor ReconstructionTerm,
    Tensor KlTerm,
    Tensor KlPerDimension,
    float KlWeight,
    float? KlTarget,
    Tensor Z,
    Tensor Mean,
    Tensor LogVariance,
    Tensor Reconstruction,
    Tensor ReconstructionPerImage,
    Tensor KlPerImage)
{
    /// <summary>The negative ELBO per image (reconstruction + KL with weight 1), whatever the training objective.</summary>
    public float NegativeElbo => ReconstructionTerm.Item() + KlTerm.Item();
}

/// <summary>Where training is: schedules read it to pick this step's KL weight.</summary>
/// <param name="Step">Optimizer steps taken so far (0-based for the current step).</param>
/// <param name="TotalSteps">Steps in the whole run.</param>
public readonly record struct TrainingProgress(long Step, long TotalSteps)
{
    /// <summary>Fraction of training done, in [0, 1].</summary>
    public double Fraction => TotalSteps <= 0 ? 1 : Math.Clamp((double)Step / TotalSteps, 0, 1);
}
