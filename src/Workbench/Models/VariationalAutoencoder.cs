using Workbench.Models.Likelihoods;
using Workbench.Models.Objectives;
using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.Models.Priors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models;

/// <summary>
/// A variational autoencoder composed from replaceable parts (Kingma &amp; Welling 2014): an encoder
/// producing q(z|x[, y]), a prior p(z), a decoder and a likelihood p(x|z[, y]), trained with a
/// <see cref="TrainingObjective"/>. Every evaluator goes through the parts' log-densities
/// (<see cref="Kl(Posterior, PosteriorSample)"/>, <see cref="ImportanceSample(Posterior, Tensor, Tensor?, Tensor, int[])"/>), so a new prior or posterior family is right
/// everywhere at once. <see cref="VaeConfig.Build"/> composes the shipped variants; a notebook can
/// pass its own parts, or subclass and override <see cref="Encode"/>, <see cref="Decode"/> or
/// <see cref="Forward(VaeBatch)"/>.
/// </summary>
/// <remarks>State-dict names: "encoder.…", "decoder.…", "likelihood.…", "prior.…".</remarks>
public class VariationalAutoencoder : Module<VaeBatch, VaeOutput>
{
    /// <param name="encoder">x (B, D) [and condition (B, C)] → q(z|x), one distribution per image over <paramref name="latentSize"/> dimensions.</param>
    /// <param name="decoder">z (B, latent) [and condition] → the decoder output the likelihood reads, (B, D).</param>
    /// <param name="prior">p(z); null for N(0, I).</param>
    /// <param name="likelihood">p(x|z); null for independent Bernoulli pixels.</param>
    /// <param name="objective">What training minimises; null for the ELBO with weight 1.</param>
    /// <param name="conditioning">What the model is conditioned on besides x; null for nothing.</param>
    /// <param name="config">The configuration the parts were built from, when they were (saved with checkpoints).</param>
    /// <param name="imageChannels">Channels per image: 1 (greyscale) or 3 (RGB); an image is C·H·W values in (C, H, W) order.</param>
    public VariationalAutoencoder(
        Module<EncoderInput, Posterior> encoder,
        Module<DecoderInput, Tensor> decoder,
        int latentSize,
        int imageHeight = 28,
        int imageWidth = 28,
        Prior? prior = null,
        Likelihood? likelihood = null,
        TrainingObjective? objective = null,
        Conditioning? conditioning = null,
        VaeConfig? config = null,
        int imageChannels = 1)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        if (latentSize < 1) throw new ArgumentOutOfRangeException(nameof(latentSize), latentSize, "The latent space needs at least one dimension.");
        if (imageHeight < 1 || imageWidth < 1) throw new ArgumentOutOfRangeException(nameof(imageHeight), $"Image sides must be positive; got {imageHeight}×{imageWidth}.");
        if (imageChannels < 1) throw new ArgumentOutOfRangeException(nameof(imageChannels), imageChannels, "An image needs at least one channel.");
        ImageChannels = imageChannels;
        LatentSize = latentSize;
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
        Conditioning = conditioning ?? Conditioning.None;
        Objective = objective ?? new ElboObjective();
        Config = config;
        Encoder = RegisterModule("encoder", encoder);
        Decoder = RegisterModule("decoder", decoder);
        Likelihood = RegisterModule("likelihood", likelihood ?? new BernoulliLikelihood());
        Prior = RegisterModule("prior", prior ?? new StandardNormalPrior(latentSize));
        Prior.Attach(this);
    }

    /// <summary>Creates the model a configuration describes (<see cref="VaeConfig.Build"/>).</summary>
    public static VariationalAutoencoder Create(VaeConfig config, Rng rng) => config.Build(rng);

    public Module<EncoderInput, Posterior> Encoder { get; }
    public Module<DecoderInput, Tensor> Decoder { get; }

    /// <summary>p(x|z).</summary>
    public Likelihood Likelihood { get; }

    /// <summary>p(z).</summary>
    public Prior Prior { get; }

    /// <summary>What training minimises.</summary>
    public TrainingObjective Objective { get; }

    /// <summary>What the model is conditioned on besides the image.</summary>
    public Conditioning Conditioning { get; }

    /// <summary>The configuration the model was built from; null for a model composed by hand.</summary>
    public VaeConfig? Config { get; }

    public int LatentSize { get; }
    public int ImageHeight { get; }
    public int ImageWidth { get; }

    /// <summary>Channels per image: 1 (greyscale) or 3 (RGB).</summary>
    public int ImageChannels { get; }

    /// <summary>D = channels · height · width, the values per image (the pixel count for greyscale images).</summary>
    public int Pixels => ImageChannels * ImageHeight * ImageWidth;

    /// <summary>The image shape in words: "28×28" for one channel, "3×28×28" (C×H×W) for more.</summary>
    public string ImageShapeText => (ImageChannels == 1 ? "" : $"{ImageChannels}×") + $"{ImageHeight}×{ImageWidth}";

    /// <summary>q(z|x[, y]) for images (B, D) and the optional condition (B, C).</summary>
    public virtual Posterior Encode(Tensor images, Tensor? condition = null)
    {
        if (images.Rank != 2 || images.Dim(1) != Pixels)
            throw new ArgumentException($"This model takes images of shape (B, {Pixels}) ({ImageShapeText}{(ImageChannels == 1 ? " pixels" : " values, C×H×W")}, flattened); got {Tensor.ShapeText(images.Dims)}.");
        Conditioning.Check(condition, images.Dim(0));
        return Encoder.Forward(new EncoderInput(images, condition));
    }

    /// <summary>The decoder output for latents (B, latent): logits or the Gaussian mean pre-activation, (B, D).</summary>
    public virtual Tensor Decode(Tensor z, Tensor? condition = null)
    {
        if (z.Rank != 2 || z.Dim(1) != LatentSize)
            throw new ArgumentException($"Latents must have shape (B, {LatentSize}); got {Tensor.ShapeText(z.Dims)}.");
        Conditioning.Check(condition, z.Dim(0));
        return Decoder.Forward(new DecoderInput(z, condition));
    }

    /// <summary>E[x|z] in pixel units, (B, D): what samples and reconstructions look like.</summary>
    public Tensor DecodeMean(Tensor z, Tensor? condition = null) => Likelihood.Mean(Decode(z, condition));

    /// <summary>Reconstructions E[x | z = E_q[z]] of images (B, D) → (B, D), without sampling.</summary>
    public Tensor Reconstruct(Tensor images, Tensor? condition = null) => DecodeMean(Encode(images, condition).Mean, condition);

    /// <summary>
    /// KL(q(z|x) ‖ p(z)) per image: in closed form when the prior has one for this posterior family
    /// (<see cref="Prior.AnalyticKl"/>), else the one-sample Monte-Carlo estimate log q(z|x) − log p(z)
    /// at <paramref name="z"/> (B, latent).
    /// </summary>
    public KlEstimate Kl(Posterior posterior, Tensor z)
    {
        if (Prior.AnalyticKl(posterior) is { } elements)                                      // (B, latent)
            return new KlEstimate(elements.Sum(1), elements.Mean(0), IsAnalytic: true);
        return new KlEstimate(posterior.LogDensity(z) - Prior.LogDensity(z), null, IsAnalytic: false);
    }

    /// <summary>
    /// As <see cref="Kl(Posterior, Tensor)"/> with the sample's log-density from <see cref="Posterior.SampleWithLogDensity"/>:
    /// the Monte-Carlo estimate is log q(z|x) − log p(z) with log q(z|x) = <paramref name="sample"/>.LogDensity,
    /// so it works for posteriors that have no density at an arbitrary z (flows).
    /// </summary>
    public KlEstimate Kl(Posterior posterior, PosteriorSample sample)
    {
        if (Prior.AnalyticKl(posterior) is { } elements)                                      // (B, latent)
            return new KlEstimate(elements.Sum(1), elements.Mean(0), IsAnalytic: true);
        return new KlEstimate(sample.LogDensity - Prior.LogDensity(sample.Z), null, IsAnalytic: false);
    }

    /// <summary>
    /// k importance samples per image and their log-weights log p(x|z) + log p(z) − log q(z|x): the
    /// quantity behind the importance-weighted bound and objective (Burda et al. 2016), written once.
    /// </summary>
    /// <param name="posterior">q(z|x) of the B images.</param>
    /// <param name="images">(B, D).</param>
    /// <param name="noise">ε, (B·k, latent), image-major: rows b·k … b·k + k − 1 belong to image b.</param>
    public ImportanceSamples ImportanceSample(Posterior posterior, Tensor images, Tensor? condition, Tensor noise, int samplesPerImage)
    {
        int count = images.Dim(0);
        if (noise.Rank != 2 || noise.Dim(0) != count * samplesPerImage || noise.Dim(1) != LatentSize)
            throw new ArgumentException($"The noise ε must have shape ({count * samplesPerImage}, {LatentSize}) (B·k, latent); got {Tensor.ShapeText(noise.Dims)}.");
        var repeat = new int[count * samplesPerImage];
        for (int i = 0; i < repeat.Length; i++) repeat[i] = i / samplesPerImage;            // image-major
        return ImportanceSample(posterior, images, condition, noise, repeat);
    }

    /// <summary>
    /// As <see cref="ImportanceSample(Posterior, Tensor, Tensor?, Tensor, int)"/> with any number of samples
    /// per image: row r of the noise (R, latent) is a sample for image <paramref name="imageOfRow"/>[r], so a
    /// run of decoder rows may span images (the importance-weighted bound batches k = 5000 samples this way).
    /// </summary>
    public virtual ImportanceSamples ImportanceSample(Posterior posterior, Tensor images, Tensor? condition, Tensor noise, int[] imageOfRow)
    {
        int count = images.Dim(0);
        if (noise.Rank != 2 || noise.Dim(0) != imageOfRow.Length || noise.Dim(1) != LatentSize)
            throw new ArgumentException($"The noise ε must have shape ({imageOfRow.Length}, {LatentSize}) (one row per sample, latent); got {Tensor.ShapeText(noise.Dims)}.");
        bool identity = imageOfRow.Length == count;
        for (int r = 0; identity && r < count; r++) identity = imageOfRow[r] == r;
        var repeated = identity ? posterior : posterior.GatherRows(imageOfRow);
        var repeatedCondition = identity ? condition : condition?.GatherRows(imageOfRow);
        var (z, logPosterior) = repeated.SampleWithLogDensity(noise);                        // (R, latent), (R)
        var decoded = Decode(z, repeatedCondition);                                          // (R, D)
        var logLikelihood = Likelihood.LogDensity(decoded, images, imageOfRow);              // (R), images read through the map
        var logPrior = Prior.LogDensity(z);
        return new ImportanceSamples(logLikelihood + logPrior - logPosterior, logLikelihood, logPrior, logPosterior, z, decoded);
    }

    /// <summary>A forward pass with the model's <see cref="Objective"/>.</summary>
    public override VaeOutput Forward(VaeBatch batch) => Objective.Forward(this, batch);

    /// <summary>A forward pass with the given ε ((B·k, latent)).</summary>
    public VaeOutput Forward(Tensor images, Tensor noise, Tensor? condition = null, TrainingProgress? progress = null) =>
        Forward(new VaeBatch(images, noise, condition, progress));

    /// <summary>A forward pass drawing ε from <paramref name="rng"/>.</summary>
    public VaeOutput Forward(Tensor images, Rng rng, Tensor? condition = null, TrainingProgress? progress = null) =>
        Forward(images, Noise(images.Dim(0), rng), condition, progress);

    /// <summary>ε ~ N(0, I) for a batch of <paramref name="images"/>: (images · k, latent), k = the objective's samples per image.</summary>
    public Tensor Noise(int images, Rng rng) => Tensor.Randn(rng, images * Objective.SamplesPerImage, LatentSize);

    /// <summary>Images drawn from the prior: z ~ p(z), decoded to the likelihood mean. (count, D)</summary>
    public Tensor SamplePrior(int count, Rng rng, Tensor? condition = null)
    {
        using var _ = GradMode.NoGrad();
        return DecodeMean(Prior.Sample(count, rng), condition);
    }

    /// <summary>For a model conditioned on classes: <paramref name="count"/> samples of class <paramref name="label"/>. (count, D)</summary>
    public Tensor SampleClass(int label, int count, Rng rng)
    {
        if (!Conditioning.IsConditional) throw new InvalidOperationException("This model is not conditioned on classes; use SamplePrior.");
        if (label < 0 || label >= Conditioning.Classes) throw new ArgumentOutOfRangeException(nameof(label), label, $"Class must be in [0, {Conditioning.Classes}).");
        return SamplePrior(count, rng, Conditioning.FromLabels(Enumerable.Repeat(label, count).ToArray()));
    }

    /// <summary>What the model is, for checkpoints: its configuration as JSON when it was built from one, else its module tree.</summary>
    public string Description => Config is { } c ? System.Text.Json.JsonSerializer.Serialize(c, VaeConfig.JsonOptions) : ToString();

    protected override string ExtraRepr() =>
        $"latent={LatentSize}, image={(ImageChannels == 1 ? "" : $"{ImageChannels}x")}{ImageHeight}x{ImageWidth}, objective={Objective.Describe()}" + (Conditioning.IsConditional ? $", classes={Conditioning.Classes}" : "");
}

/// <summary>KL(q(z|x) ‖ p(z)) of a batch.</summary>
/// <param name="PerImage">(B), nats.</param>
/// <param name="PerDimension">Averaged over the batch, (latent); null for a Monte-Carlo estimate.</param>
/// <param name="IsAnalytic">Closed form (true) or Monte Carlo (false).</param>
public sealed record KlEstimate(Tensor PerImage, Tensor? PerDimension, bool IsAnalytic);

/// <summary>Importance samples of a batch, B·k rows, image-major.</summary>
/// <param name="LogWeights">log p(x|z) + log p(z) − log q(z|x). (B·k)</param>
/// <param name="LogLikelihood">log p(x|z). (B·k)</param>
/// <param name="LogPrior">log p(z). (B·k)</param>
/// <param name="LogPosterior">log q(z|x). (B·k)</param>
/// <param name="Z">The samples. (B·k, latent)</param>
/// <param name="Decoded">The decoder output for each sample. (B·k, D)</param>
public sealed record ImportanceSamples(Tensor LogWeights, Tensor LogLikelihood, Tensor LogPrior, Tensor LogPosterior, Tensor Z, Tensor Decoded);
