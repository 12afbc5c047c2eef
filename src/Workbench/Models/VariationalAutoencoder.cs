using Workbench.Models.Kl;
using Workbench.Models.Likelihoods;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models;

/// <summary>
/// The VAE of Kingma &amp; Welling (2014): a Gaussian encoder q(z|x) = N(μ(x), diag σ²(x)), the
/// reparameterization z = μ + σ ⊙ ε with ε ~ N(0, I), a decoder p(x|z) and the prior N(0, I).
/// Variants override only where their maths differs: the KL penalty (<see cref="VaeConfig.ResolveKlPenalty"/>),
/// the conditioning inputs (<see cref="ConditionalVae"/>), or the latent sample (the deterministic autoencoder).
/// </summary>
public class VariationalAutoencoder : Module
{
    private readonly Module _encoderBody;
    private readonly Linear _meanHead, _logVarianceHead;
    private readonly Module _decoder;
    private readonly KlPenalty _klPenalty;

    public VariationalAutoencoder(VaeConfig config, Rng rng)
    {
        config.Validate();
        Config = config;
        _klPenalty = config.ResolveKlPenalty();
        int conditionSize = ConditionSize;
        int encoderInput = config.Architecture == Architecture.Mlp ? config.Pixels + conditionSize : config.Pixels;
        (_encoderBody, int features) = Networks.EncoderBody(config, encoderInput, rng);
        int headInput = config.Architecture == Architecture.Mlp ? features : features + conditionSize;
        _meanHead = new Linear(headInput, config.LatentSize, rng);
        _logVarianceHead = new Linear(headInput, config.LatentSize, rng);
        _decoder = Networks.Decoder(config, config.LatentSize + conditionSize, rng);
        Likelihood = Likelihoods.Likelihood.Create(config.Likelihood, config.Pixels, config.GaussianSigma);

        RegisterModule("encoder", _encoderBody);
        RegisterModule("fc_mu", _meanHead);
        RegisterModule("fc_logvar", _logVarianceHead);
        RegisterModule("decoder", _decoder);
        RegisterModule("likelihood", Likelihood);
    }

    /// <summary>The configuration this model was built from.</summary>
    public VaeConfig Config { get; }

    /// <summary>p(x|z).</summary>
    public Likelihood Likelihood { get; }

    /// <summary>Length of the conditioning vector joined to encoder and decoder inputs (0 when unconditional).</summary>
    protected virtual int ConditionSize => 0;

    /// <summary>q(z|x): (B, D) images (and optional (B, classes) condition) → μ, log σ², each (B, latent).</summary>
    public (Tensor Mean, Tensor LogVariance) Encode(Tensor images, Tensor? condition = null)
    {
        if (images.Rank != 2 || images.Dim(1) != Config.Pixels)
            throw new ArgumentException($"This model takes images of shape (B, {Config.Pixels}) ({Config.ImageHeight}×{Config.ImageWidth} pixels, flattened); got {Tensor.ShapeText(images.Dims)}.");
        RequireCondition(condition);
        var input = Config.Architecture == Architecture.Mlp && condition is not null ? Tensor.Concat([images, condition], 1) : images;
        var features = _encoderBody.Forward(input);
        if (Config.Architecture == Architecture.Conv && condition is not null) features = Tensor.Concat([features, condition], 1);
        return (_meanHead.Forward(features), _logVarianceHead.Forward(features));
    }

    /// <summary>The decoder output for latents (B, latent): logits or the Gaussian mean pre-activation, (B, D).</summary>
    public Tensor Decode(Tensor z, Tensor? condition = null)
    {
        RequireCondition(condition);
        return _decoder.Forward(condition is null ? z : Tensor.Concat([z, condition], 1));
    }

    /// <summary>E[x|z] in pixel units, (B, D): what samples and reconstructions look like.</summary>
    public Tensor DecodeMean(Tensor z, Tensor? condition = null) => Likelihood.Mean(Decode(z, condition));

    /// <summary>z = μ + exp(½ log σ²) ⊙ ε; the deterministic autoencoder uses z = μ.</summary>
    protected virtual Tensor SampleLatent(Tensor mean, Tensor logVariance, Tensor noise) =>
        Config.Objective == Objective.DeterministicAutoencoder ? mean : mean + (logVariance * 0.5f).Exp() * noise;

    /// <summary>
    /// One forward pass with its loss. <paramref name="noise"/> is ε ~ N(0, I) of shape (B, latent);
    /// pass it to reproduce a pass exactly, or use the overload that draws it from an <see cref="Rng"/>.
    /// </summary>
    public VaeOutput Forward(Tensor images, Tensor noise, Tensor? condition = null, TrainingProgress? progress = null)
    {
        var (mean, logVariance) = Encode(images, condition);                       // (B, latent) each
        if (noise.Rank != 2 || noise.Dim(0) != mean.Dim(0) || noise.Dim(1) != mean.Dim(1))
            throw new ArgumentException($"The noise ε must have shape {Tensor.ShapeText(mean.Dims)} (B, latent); got {Tensor.ShapeText(noise.Dims)}.");
        var z = SampleLatent(mean, logVariance, noise);                          // (B, latent)
        // KL-only: the reconstruction term must not reach the encoder, so the decoder sees z cut from the graph.
        var decoded = Decode(Config.Objective == Objective.KlOnly ? z.Detach() : z, condition); // (B, D)

        var reconstructionPerImage = Likelihood.NegativeLogLikelihood(decoded, images); // (B)
        var klElements = Losses.GaussianKlToStandardNormal(mean, logVariance, Reduction.None); // (B, latent)
        var klPerImage = klElements.Sum(1);                                       // (B)
        var klPerDimension = klElements.Mean(0);                                  // (latent)
        var reconstructionTerm = reconstructionPerImage.Mean();
        var klTerm = klPerImage.Mean();

        var (penalty, weight, target) = _klPenalty.Apply(klPerDimension, klTerm, progress);
        var loss = reconstructionTerm + penalty;
        return new VaeOutput(loss, reconstructionTerm, klTerm, klPerDimension, weight, target,
            z, mean, logVariance, decoded, reconstructionPerImage, klPerImage);
    }

    /// <summary>One forward pass drawing ε from <paramref name="rng"/>.</summary>
    public VaeOutput Forward(Tensor images, Rng rng, Tensor? condition = null, TrainingProgress? progress = null) =>
        Forward(images, Tensor.Randn(rng, images.Dim(0), Config.LatentSize), condition, progress);

    /// <summary>The reconstruction mean from z = μ (no sampling): (B, D) → (B, D).</summary>
    public override Tensor Forward(Tensor input)
    {
        if (ConditionSize != 0) throw new InvalidOperationException("A conditional model needs its condition: call Encode/Decode with one.");
        return DecodeMean(Encode(input).Mean);
    }

    /// <summary>Images drawn from the prior: z ~ N(0, I), decoded to the likelihood mean. (count, D)</summary>
    public Tensor SamplePrior(int count, Rng rng, Tensor? condition = null)
    {
        using var _ = GradMode.NoGrad();
        return DecodeMean(Tensor.Randn(rng, count, Config.LatentSize), condition);
    }

    private void RequireCondition(Tensor? condition)
    {
        if (ConditionSize == 0 && condition is not null)
            throw new ArgumentException("This model is not conditional; pass no condition.");
        if (ConditionSize != 0 && (condition is null || condition.Rank != 2 || condition.Dim(1) != ConditionSize))
            throw new ArgumentException($"This conditional model needs a (B, {ConditionSize}) one-hot condition.");
    }

    /// <summary>Creates the model a configuration describes (the conditional one for <see cref="ConditionalVaeConfig"/>).</summary>
    public static VariationalAutoencoder Create(VaeConfig config, Rng rng) => config switch
    {
        ConditionalVaeConfig c => new ConditionalVae(c, rng),
        _ => new VariationalAutoencoder(config, rng),
    };
}

/// <summary>
/// Conditional VAE (Sohn et al. 2015) on class labels: q(z|x, y) and p(x|z, y) see the one-hot label;
/// the prior stays N(0, I). Only the conditioning size differs from the VAE.
/// </summary>
public sealed class ConditionalVae(ConditionalVaeConfig config, Rng rng) : VariationalAutoencoder(config, rng)
{
    /// <summary>Number of classes.</summary>
    public int Classes => ((ConditionalVaeConfig)Config).Classes;

    protected override int ConditionSize => ((ConditionalVaeConfig)Config).Classes;

    /// <summary><paramref name="count"/> samples of class <paramref name="label"/>. (count, D)</summary>
    public Tensor SampleClass(int label, int count, Rng rng)
    {
        if (label < 0 || label >= Classes) throw new ArgumentOutOfRangeException(nameof(label), label, $"Class must be in [0, {Classes}).");
        var condition = Tensor.Zeros(count, Classes);
        for (int i = 0; i < count; i++) condition.Span[i * Classes + label] = 1f;
        return SamplePrior(count, rng, condition);
    }
}
