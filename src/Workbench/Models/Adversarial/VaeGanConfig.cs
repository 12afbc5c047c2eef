using Workbench.Models.Parts;
using Workbench.Models.Priors;
using Workbench.Tensors;

namespace Workbench.Models.Adversarial;

/// <summary>
/// The VAE–GAN of Larsen, Sønderby, Larochelle &amp; Winther (2016), "Autoencoding beyond pixels using a learned similarity
/// metric", experiment-file variant <c>"vae-gan"</c>: the conv VAE's encoder and decoder (<see cref="VaeConfig.ConvChannels"/>,
/// Bernoulli likelihood, N(0, I) prior) plus a <see cref="Discriminator"/> of <see cref="DiscriminatorChannels"/>, trained with
/// three losses on three parameter groups, each by its own RMSprop (see <see cref="VaeGan"/>).
/// The three learning rates are the model's: the run's <c>training.learningRate</c> is not used.
/// </summary>
public sealed record VaeGanConfig : VaeConfig
{
    public VaeGanConfig()
    {
        Architecture = Architecture.Conv;
    }

    /// <summary>γ, the weight of the feature-wise reconstruction loss in the decoder's loss γ·L_llike − L_GAN.</summary>
    public float Gamma { get; init; } = 0.1f;

    /// <summary>Output channels of the discriminator's stride-2 convolutions; Dis_l is the last one's activations.</summary>
    public int[] DiscriminatorChannels { get; init; } = [32, 64];

    /// <summary>RMSprop learning rate of the encoder (the paper's 3·10⁻⁴).</summary>
    public float EncoderLearningRate { get; init; } = 3e-4f;

    /// <summary>RMSprop learning rate of the decoder.</summary>
    public float DecoderLearningRate { get; init; } = 3e-4f;

    /// <summary>RMSprop learning rate of the discriminator.</summary>
    public float DiscriminatorLearningRate { get; init; } = 3e-4f;

    /// <summary>RMSprop's smoothing constant α of all three optimizers.</summary>
    public float RmsPropAlpha { get; init; } = 0.9f;

    /// <summary>The cross-entropy the equilibrium rule balances around, nats (see <see cref="EquilibriumRule"/>).</summary>
    public double Equilibrium { get; init; } = 0.68;

    /// <summary>How far from <see cref="Equilibrium"/> the discriminator's cross-entropies may stray before a group is held back, nats; a large value turns the rule off.</summary>
    public double Margin { get; init; } = 0.35;

    /// <summary>
    /// Composes the model: encoder and decoder as the conv VAE's, then the discriminator. Parameters are drawn from
    /// <paramref name="rng"/> in the order encoder, μ and log σ² heads, decoder, discriminator.
    /// </summary>
    public override VariationalAutoencoder Build(Rng rng)
    {
        Validate();
        var (body, features) = Networks.EncoderBody(this, Pixels, rng);
        var encoder = new GaussianEncoder(body, features, LatentSize, 0, rng, conditionAfterBody: true);
        var decoder = new ConcatDecoder(Networks.Decoder(this, LatentSize, rng));
        var discriminator = new Discriminator(ImageHeight, ImageWidth, DiscriminatorChannels, rng, ImageChannels);
        return new VaeGan(encoder, decoder, discriminator, LatentSize, ImageHeight, ImageWidth, this);
    }

    public override void Validate()
    {
        base.Validate();
        Require(Architecture == Architecture.Conv, nameof(Architecture), "the VAE–GAN's encoder and decoder are the conv networks; leave architecture out or set \"conv\"");
        Require(Likelihood == LikelihoodKind.Bernoulli, nameof(Likelihood), "the VAE–GAN's decoder output is read as Bernoulli means (images in [0, 1]); leave likelihood out");
        Require(Objective == Objective.Elbo && KlPenalty is null && Samples == 1, nameof(Objective), "the VAE–GAN has its own three losses; leave objective, klPenalty and samples out");
        Require(Prior is null or StandardNormalPriorConfig, nameof(Prior), "the VAE–GAN's prior is N(0, I); leave prior out");
        Require(float.IsFinite(Gamma) && Gamma >= 0, nameof(Gamma), $"must be a finite number ≥ 0 (got {Gamma})");
        Require(DiscriminatorChannels.Length > 0 && DiscriminatorChannels.All(c => c is > 0 and <= MaxWidth), nameof(DiscriminatorChannels),
            $"needs at least one convolution, each with 1 to {MaxWidth} channels (got [{string.Join(", ", DiscriminatorChannels)}])");
        Require(ImageHeight % (1 << DiscriminatorChannels.Length) == 0 && ImageWidth % (1 << DiscriminatorChannels.Length) == 0, nameof(DiscriminatorChannels),
            $"{DiscriminatorChannels.Length} stride-2 convolutions need image sides divisible by {1 << DiscriminatorChannels.Length}");
        foreach (var (name, rate) in new[] { (nameof(EncoderLearningRate), EncoderLearningRate), (nameof(DecoderLearningRate), DecoderLearningRate), (nameof(DiscriminatorLearningRate), DiscriminatorLearningRate) })
            Require(float.IsFinite(rate) && rate > 0 && rate <= 1, name, $"must be in (0, 1] (got {rate})");
        Require(RmsPropAlpha is >= 0 and < 1, nameof(RmsPropAlpha), $"must be in [0, 1) (got {RmsPropAlpha})");
        Require(double.IsFinite(Equilibrium) && Equilibrium > 0, nameof(Equilibrium), $"must be a finite number of nats > 0 (got {Equilibrium})");
        Require(Margin >= 0 && !double.IsNaN(Margin), nameof(Margin), $"must be ≥ 0 nats (got {Margin})");
    }
}
