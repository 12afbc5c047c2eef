using Workbench.Models.Posteriors;
using Workbench.Tensors;

namespace Workbench.Models.Adversarial;

/// <summary>A VAE–GAN step's losses (scalars, batch means per image) and what they were computed from.</summary>
/// <param name="Encoder">L_prior + L_llike.</param>
/// <param name="Decoder">γ·L_llike − L_GAN.</param>
/// <param name="Discriminator">L_GAN.</param>
/// <param name="Prior">L_prior = KL(q(z|x) ‖ N(0, I)), nats.</param>
/// <param name="FeatureReconstruction">L_llike = ½‖Dis_l(x) − Dis_l(x̃)‖².</param>
/// <param name="Gan">L_GAN, the sum of the three cross-entropies below, nats.</param>
/// <param name="RealCrossEntropy">−log D(x).</param>
/// <param name="ReconstructionCrossEntropy">−log(1 − D(x̃)).</param>
/// <param name="PriorSampleCrossEntropy">−log(1 − D(x_p)).</param>
/// <param name="Posterior">q(z|x).</param>
/// <param name="Z">z ~ q(z|x). (B, latent)</param>
/// <param name="ReconstructionLogits">Dec(z). (B, D)</param>
/// <param name="Kl">The KL the prior loss averages.</param>
public sealed record VaeGanLosses(
    Tensor Encoder, Tensor Decoder, Tensor Discriminator,
    Tensor Prior, Tensor FeatureReconstruction, Tensor Gan,
    Tensor RealCrossEntropy, Tensor ReconstructionCrossEntropy, Tensor PriorSampleCrossEntropy,
    Posterior Posterior, Tensor Z, Tensor ReconstructionLogits, KlEstimate Kl)
{
    /// <summary>
    /// The step as a <see cref="VaeOutput"/>: loss = the pixel-space −ELBO (Bernoulli reconstruction of x by Dec(z), plus
    /// the KL), computed without a graph, so it reads as the VAE rows' training loss; the three losses and the rest in
    /// <see cref="VaeOutput.Terms"/>.
    /// </summary>
    public VaeOutput Output(VariationalAutoencoder model, Tensor images, GroupUpdates updates)
    {
        Tensor reconstructionPerImage;
        using (GradMode.NoGrad()) reconstructionPerImage = model.Likelihood.NegativeLogLikelihood(ReconstructionLogits, images); // (B)
        var reconstruction = reconstructionPerImage.Mean();
        var kl = Prior.Detach();
        return new VaeOutput(reconstruction + kl, reconstruction, kl, Kl.PerDimension?.Detach(), Kl.IsAnalytic, 1f, null,
            Posterior, Z, ReconstructionLogits, reconstructionPerImage, Kl.PerImage)
        {
            Terms = new Dictionary<string, double>
            {
                ["encoder_loss"] = Encoder.Item(),
                ["decoder_loss"] = Decoder.Item(),
                ["discriminator_loss"] = Discriminator.Item(),
                ["feature_reconstruction"] = FeatureReconstruction.Item(),
                ["gan"] = Gan.Item(),
                ["real_cross_entropy"] = RealCrossEntropy.Item(),
                ["prior_sample_cross_entropy"] = PriorSampleCrossEntropy.Item(),
                ["decoder_updated"] = updates.Decoder ? 1 : 0,
                ["discriminator_updated"] = updates.Discriminator ? 1 : 0,
            },
        };
    }
}
