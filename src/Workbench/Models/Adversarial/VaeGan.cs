using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Optim;
using Workbench.Tensors;

namespace Workbench.Models.Adversarial;

/// <summary>
/// The VAE–GAN of Larsen, Sønderby, Larochelle &amp; Winther (2016), "Autoencoding beyond pixels using a learned similarity
/// metric": a VAE whose reconstruction error is measured in the features of a GAN discriminator's layer Dis_l instead of
/// pixels, and whose decoder is also trained to fool the discriminator. Per step (<see cref="Losses"/>), with x the images,
/// x̃ = Dec(z), z ~ q(z|x), and x_p = Dec(z_p), z_p ~ p(z) = N(0, I) (decoder outputs read as Bernoulli means σ(·)):
/// <list type="bullet">
/// <item>L_prior = KL(q(z|x) ‖ p(z)) (nats per image);</item>
/// <item>L_llike = ½‖Dis_l(x) − Dis_l(x̃)‖² per image: −log N(Dis_l(x); Dis_l(x̃), I) up to a constant;</item>
/// <item>L_GAN = −log D(x) − log(1 − D(x̃)) − log(1 − D(x_p)) per image: the discriminator's cross-entropy (the paper's
/// eq. 6 with the sign its Algorithm 1 descends on);</item>
/// </list>
/// and the three groups descend on their own losses, each with its own RMSprop: encoder L_prior + L_llike, decoder
/// γ·L_llike − L_GAN, discriminator L_GAN, the decoder and discriminator only when the <see cref="EquilibriumRule"/> lets them.
/// Everything a VAE has (ELBO, importance-weighted bound, sampling, pictures) reads the same encoder and decoder with the
/// Bernoulli likelihood, so it is measured with the same yardsticks.
/// </summary>
/// <remarks>State-dict names: those of <see cref="VariationalAutoencoder"/> plus "discriminator.…".</remarks>
public class VaeGan : VariationalAutoencoder, ICustomTrainingStep
{
    /// <summary>The names of the three optimizers in the <see cref="OptimizerSet"/> (and in checkpoints).</summary>
    public const string EncoderGroup = "encoder", DecoderGroup = "decoder", DiscriminatorGroup = "discriminator";

    /// <param name="encoder">x (B, D) → q(z|x).</param>
    /// <param name="decoder">z (B, latent) → Bernoulli logits (B, D).</param>
    /// <param name="discriminator">Images (B, D) → Dis_l and the logit of being real.</param>
    public VaeGan(
        Module<EncoderInput, Posterior> encoder,
        Module<DecoderInput, Tensor> decoder,
        Discriminator discriminator,
        int latentSize,
        int imageHeight = 28,
        int imageWidth = 28,
        VaeGanConfig? config = null)
        : base(encoder, decoder, latentSize, imageHeight, imageWidth, config: config, imageChannels: config?.ImageChannels ?? 1)
    {
        ArgumentNullException.ThrowIfNull(discriminator);
        Discriminator = RegisterModule("discriminator", discriminator);
        Settings = config ?? new VaeGanConfig { LatentSize = latentSize, ImageHeight = imageHeight, ImageWidth = imageWidth };
        Rule = new EquilibriumRule(Settings.Equilibrium, Settings.Margin);
    }

    /// <summary>Dis: Dis_l and the real/fake logit.</summary>
    public Discriminator Discriminator { get; }

    /// <summary>γ, the learning rates and the equilibrium rule's constants.</summary>
    public VaeGanConfig Settings { get; }

    /// <summary>Which groups a step updates.</summary>
    public EquilibriumRule Rule { get; }

    /// <summary>The encoder's parameters (its optimizer's).</summary>
    public IEnumerable<Tensor> EncoderParameters => Encoder.Parameters();

    /// <summary>The decoder's parameters.</summary>
    public IEnumerable<Tensor> DecoderParameters => Decoder.Parameters();

    /// <summary>The discriminator's parameters.</summary>
    public IEnumerable<Tensor> DiscriminatorParameters => Discriminator.Parameters();

    /// <summary>
    /// The step's losses for images (B, D) with ε (B, latent) for z ~ q(z|x) and ε_p (B, latent) for z_p ~ N(0, I), as
    /// graphs over all three groups (batch means, per image).
    /// </summary>
    public VaeGanLosses Losses(Tensor images, Tensor posteriorNoise, Tensor priorNoise)
    {
        var posterior = Encode(images);
        var z = posterior.Sample(posteriorNoise);                                    // (B, latent)
        var reconstructionLogits = Decode(z);                                        // (B, D)
        var reconstruction = reconstructionLogits.Sigmoid();                         // x̃ in [0, 1]
        var prior = Decode(priorNoise).Sigmoid();                                    // x_p, (B, D)
        var real = Discriminator.Forward(images);
        var fake = Discriminator.Forward(reconstruction);
        var sampled = Discriminator.Forward(prior);
        int count = images.Dim(0);
        var kl = Kl(posterior, z);
        var priorLoss = kl.PerImage.Mean();
        var featureLoss = (real.Features - fake.Features).Square().Sum() * (0.5f / count);
        var realLoss = Workbench.Tensors.Losses.BinaryCrossEntropyWithLogits(real.Logits, Tensor.Ones(count, 1), Reduction.Mean);
        var reconstructionLoss = Workbench.Tensors.Losses.BinaryCrossEntropyWithLogits(fake.Logits, Tensor.Zeros(count, 1), Reduction.Mean);
        var sampleLoss = Workbench.Tensors.Losses.BinaryCrossEntropyWithLogits(sampled.Logits, Tensor.Zeros(count, 1), Reduction.Mean);
        var ganLoss = realLoss + reconstructionLoss + sampleLoss;
        return new VaeGanLosses(
            Encoder: priorLoss + featureLoss,
            Decoder: featureLoss * Settings.Gamma - ganLoss,
            Discriminator: ganLoss,
            Prior: priorLoss, FeatureReconstruction: featureLoss, Gan: ganLoss,
            RealCrossEntropy: realLoss, ReconstructionCrossEntropy: reconstructionLoss, PriorSampleCrossEntropy: sampleLoss,
            posterior, z, reconstructionLogits, kl);
    }

    /// <summary>
    /// Fills each group's gradients with those of its own loss only (as <c>torch.autograd.grad(loss, group)</c>): the
    /// other groups' parameters are left out of each backward pass. Groups the rule holds back get no backward pass.
    /// </summary>
    public void Gradients(VaeGanLosses losses, GroupUpdates updates)
    {
        if (updates.Encoder) BackwardInto(losses.Encoder, Encoder);
        if (updates.Decoder) BackwardInto(losses.Decoder, Decoder);
        if (updates.Discriminator) BackwardInto(losses.Discriminator, Discriminator);
    }

    private void BackwardInto(Tensor loss, Module group)
    {
        var own = new HashSet<Tensor>(group.Parameters(), ReferenceEqualityComparer.Instance);
        var others = Parameters().Where(p => !own.Contains(p) && p.RequiresGrad).ToList();
        foreach (var p in own) p.ZeroGrad();
        foreach (var p in others) p.RequiresGrad = false;
        try
        {
            loss.Backward();
        }
        finally
        {
            foreach (var p in others) p.RequiresGrad = true;
        }
    }

    /// <summary>Three RMSprops (encoder, decoder, discriminator) at the configured rates and α, in one <see cref="OptimizerSet"/>.</summary>
    public Optimizer CreateOptimizer() => new OptimizerSet(
    [
        (EncoderGroup, new RmsProp(EncoderParameters, Settings.EncoderLearningRate, Settings.RmsPropAlpha)),
        (DecoderGroup, new RmsProp(DecoderParameters, Settings.DecoderLearningRate, Settings.RmsPropAlpha)),
        (DiscriminatorGroup, new RmsProp(DiscriminatorParameters, Settings.DiscriminatorLearningRate, Settings.RmsPropAlpha)),
    ]);

    /// <summary>
    /// One step: the losses with z_p's ε_p drawn from <see cref="ForwardRandom.Current"/> after the batch's ε, the
    /// <see cref="EquilibriumRule"/>'s decision from this batch's cross-entropies, each chosen group's gradient of its own
    /// loss, then their updates. Reports the pixel-space −ELBO terms (Bernoulli reconstruction and KL, nats per image)
    /// as the loss, and as <see cref="VaeOutput.Terms"/> the three losses, L_llike, L_GAN and which groups were updated (0/1).
    /// </summary>
    public VaeOutput TrainingStep(VaeBatch batch, Optimizer optimizer)
    {
        if (optimizer is not OptimizerSet set || !set.Names.SequenceEqual([EncoderGroup, DecoderGroup, DiscriminatorGroup]))
            throw new ArgumentException($"A VAE–GAN trains with the optimizer set its CreateOptimizer makes ({EncoderGroup}, {DecoderGroup}, {DiscriminatorGroup}).", nameof(optimizer));
        var rng = ForwardRandom.Require("the VAE–GAN's prior samples");
        int count = batch.Images.Dim(0);
        var priorNoise = Tensor.Randn(rng, count, LatentSize);                      // (B, latent)
        var losses = Losses(batch.Images, batch.Noise, priorNoise);
        var updates = Rule.Decide(losses.RealCrossEntropy.Item(), losses.PriorSampleCrossEntropy.Item());
        Gradients(losses, updates);
        if (updates.Encoder) set.StepMember(EncoderGroup);
        if (updates.Decoder) set.StepMember(DecoderGroup);
        if (updates.Discriminator) set.StepMember(DiscriminatorGroup);
        return losses.Output(this, batch.Images, updates);
    }
}
