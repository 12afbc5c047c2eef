using Workbench.Models.Posteriors;
using Workbench.Tensors;

namespace Workbench.Models;

/// <summary>One minibatch for a VAE's forward pass.</summary>
/// <param name="Images">x, flattened images in [0, 1]. (B, D)</param>
/// <param name="Noise">ε ~ N(0, I) for the latent samples: (B·k, latent) for an objective that draws k samples per image
/// (<see cref="Objectives.TrainingObjective.SamplesPerImage"/>), image-major. Passing it makes a pass exactly reproducible.</param>
/// <param name="Condition">What the model is conditioned on, e.g. one-hot labels (B, classes); null for an unconditional model.</param>
/// <param name="Progress">Where training is (KL schedules read it); null outside training, where the final weight applies.</param>
/// <param name="DatasetSize">N, the number of images the batch was drawn from: objectives that estimate the aggregate posterior
/// from the minibatch (β-TCVAE) read it; null when unknown, and they then take the batch as the whole dataset.</param>
public sealed record VaeBatch(Tensor Images, Tensor Noise, Tensor? Condition = null, TrainingProgress? Progress = null, int? DatasetSize = null)
{
    /// <summary>
    /// Semi-supervised training only: the step's labelled batch, beside the unlabelled <see cref="Images"/> (whose
    /// labels are then hidden: <see cref="Condition"/> is null); null otherwise.
    /// </summary>
    public SemiSupervised.LabelledBatch? Labelled { get; init; }
}

/// <summary>
/// Everything one forward pass of a VAE computes. Scalar terms are batch means in nats per image;
/// <see cref="Loss"/> is what the optimizer minimises.
/// </summary>
/// <param name="Loss">The objective's value: for the ELBO, reconstruction + the KL penalty; for the importance-weighted objective, −L_k. Scalar.</param>
/// <param name="ReconstructionTerm">E_q[−log p(x|z)] over the pass's samples of z. Scalar, nats/image.</param>
/// <param name="KlTerm">KL(q(z|x) ‖ p(z)): in closed form when <see cref="KlIsAnalytic"/>, else the Monte-Carlo estimate log q(z|x) − log p(z) at the sampled z. Scalar, nats/image.</param>
/// <param name="KlPerDimension">The KL of each latent dimension averaged over the batch, (latent); null when the KL has no per-dimension closed form.</param>
/// <param name="KlIsAnalytic">Whether the KL was computed in closed form (true) or estimated by Monte Carlo (false).</param>
/// <param name="KlWeight">The weight applied to the KL this step (β times the schedule; for capacity annealing, γ).</param>
/// <param name="KlTarget">Capacity annealing's target C for this step, in nats; null for other objectives.</param>
/// <param name="Posterior">q(z|x) of each image.</param>
/// <param name="Z">The latent samples fed to the decoder. (B·k, latent)</param>
/// <param name="Reconstruction">The decoder output: Bernoulli logits, or the Gaussian mean pre-activation. (B·k, D)</param>
/// <param name="ReconstructionPerImage">−log p(x|z) per sample. (B·k)</param>
/// <param name="KlPerImage">KL per image. (B)</param>
public sealed record VaeOutput(
    Tensor Loss,
    Tensor ReconstructionTerm,
    Tensor KlTerm,
    Tensor? KlPerDimension,
    bool KlIsAnalytic,
    float KlWeight,
    float? KlTarget,
    Posterior Posterior,
    Tensor Z,
    Tensor Reconstruction,
    Tensor ReconstructionPerImage,
    Tensor KlPerImage)
{
    /// <summary>The negative ELBO per image (reconstruction + KL with weight 1), whatever the training objective.</summary>
    public float NegativeElbo => ReconstructionTerm.Item() + KlTerm.Item();

    /// <summary>μ of q(z|x). (B, latent)</summary>
    public Tensor Mean => Posterior.Mean;

    /// <summary>
    /// Further per-step values a model reports besides the loss terms (e.g. a VAE–GAN's three losses), by name; the
    /// trainer averages each over the epoch's images into <c>EpochMetrics.Terms</c> (a <c>train_&lt;name&gt;</c> column of
    /// metrics.csv). Null for none.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Terms { get; init; }
}

/// <summary>Where training is: schedules read it to pick this step's KL weight.</summary>
/// <param name="Step">Optimizer steps taken so far (0-based for the current step).</param>
/// <param name="TotalSteps">Steps in the whole run.</param>
public readonly record struct TrainingProgress(long Step, long TotalSteps)
{
    /// <summary>Fraction of training done, in [0, 1].</summary>
    public double Fraction => TotalSteps <= 0 ? 1 : Math.Clamp((double)Step / TotalSteps, 0, 1);
}
