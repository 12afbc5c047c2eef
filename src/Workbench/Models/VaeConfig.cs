using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Workbench.Models.Kl;
using Workbench.Models.Likelihoods;
using Workbench.Models.Objectives;
using Workbench.Models.Parts;
using Workbench.Models.Priors;
using Workbench.Tensors;

namespace Workbench.Models;

/// <summary>
/// Configuration of a vanilla VAE (Kingma &amp; Welling 2014): the declarative way to build the shipped
/// variants, mapped onto composed parts by <see cref="Build"/>. Variants inherit and add only what
/// differs: <see cref="BetaVaeConfig"/> (β), <see cref="ConditionalVaeConfig"/> (class conditioning).
/// The defaults are the classic PyTorch example: 784-400-20, ReLU, Bernoulli, N(0, I) prior.
/// The <c>"variant"</c> names below are the only list of variants.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "variant")]
[JsonDerivedType(typeof(VaeConfig), "vae")]
[JsonDerivedType(typeof(BetaVaeConfig), "beta-vae")]
[JsonDerivedType(typeof(ConditionalVaeConfig), "cvae")]
[JsonDerivedType(typeof(BetaTcVaeConfig), "beta-tcvae")]
[JsonDerivedType(typeof(SemiSupervised.SemiSupervisedVaeConfig), "m2")]
[JsonDerivedType(typeof(Adversarial.VaeGanConfig), "vae-gan")]
[JsonDerivedType(typeof(Sequences.SequenceVaeVariantConfig), "sequence-vae")]
[JsonDerivedType(typeof(Sequences.RnnLanguageModelConfig), "rnn-lm")]
[JsonDerivedType(typeof(Hierarchical.HierarchicalVaeConfig), "hierarchical-vae")]
[JsonDerivedType(typeof(VectorQuantized.VqVaeConfig), "vq-vae")]
public record VaeConfig
{
    /// <summary>Image height in pixels.</summary>
    public int ImageHeight { get; init; } = 28;

    /// <summary>Image width in pixels.</summary>
    public int ImageWidth { get; init; } = 28;

    /// <summary>
    /// Channels per image: 1 (greyscale, the default) or 3 (RGB). Each image is C·H·W values in PyTorch's (C, H, W) order.
    /// JSON <c>"imageChannels"</c>, left out when 1 so one-channel configurations keep the identity they had before colour.
    /// </summary>
    [JsonIgnore]
    public int ImageChannels { get; init; } = 1;

    /// <summary><see cref="ImageChannels"/> as JSON: absent (null) for one channel, so it is written only for colour.</summary>
    [JsonInclude, JsonPropertyName("imageChannels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private int? ImageChannelsInJson
    {
        get => ImageChannels == 1 ? null : ImageChannels;
        init => ImageChannels = value ?? 1;
    }

    /// <summary>Encoder/decoder family.</summary>
    public Architecture Architecture { get; init; } = Architecture.Mlp;

    /// <summary>Hidden layer widths of the MLP encoder (the decoder mirrors them). Unused by the conv architecture.</summary>
    public int[] HiddenSizes { get; init; } = [400];

    /// <summary>Channels of the conv (and conv-bn) encoder's strided convolutions (the decoder mirrors them).</summary>
    public int[] ConvChannels { get; init; } = [32, 64];

    /// <summary>
    /// Probability of the <see cref="NN.Dropout"/> layer after each hidden activation of the MLP encoder and
    /// decoder, in [0, 1); 0 (the default, left out of the JSON) adds no layer, so the model is the one without it.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double Dropout { get; init; }

    /// <summary>Latent dimensions.</summary>
    public int LatentSize { get; init; } = 20;

    /// <summary>Hidden activation: relu, leaky-relu, tanh, sigmoid, gelu, silu or elu.</summary>
    public string Activation { get; init; } = "relu";

    /// <summary>The decoder's likelihood.</summary>
    public LikelihoodKind Likelihood { get; init; } = LikelihoodKind.Bernoulli;

    /// <summary>σ of the fixed-variance Gaussian likelihood (initial σ when learned).</summary>
    public float GaussianSigma { get; init; } = 0.1f;

    /// <summary>Which terms are optimised: the full ELBO or one of the ablations.</summary>
    public Objective Objective { get; init; } = Objective.Elbo;

    /// <summary>How the KL enters the loss; null means weight 1 (the plain ELBO).</summary>
    public KlPenalty? KlPenalty { get; init; }

    /// <summary>k, the samples per image of the importance-weighted objective (1 for every other objective).</summary>
    public int Samples { get; init; } = 1;

    /// <summary>The prior p(z); null means N(0, I).</summary>
    public PriorConfig? Prior { get; init; }

    /// <summary>The posterior family q(z|x) (a diagonal Gaussian or a flow); null means the diagonal Gaussian.</summary>
    public Posteriors.PosteriorConfig? Posterior { get; init; }

    /// <summary>The networks in words, for logs: the architecture's name ("mlp", "conv") unless a variant says more.</summary>
    public virtual string DescribeNetworks() => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(Architecture.ToString());

    /// <summary>The prior in words, for logs: "N(0, I) prior" unless <see cref="Prior"/> names another.</summary>
    public virtual string DescribePrior() => (Prior ?? new StandardNormalPriorConfig()).Describe();

    /// <summary>D, the values per image: channels · height · width (the pixel count for greyscale images).</summary>
    [JsonIgnore] public int Pixels => ImageChannels * ImageHeight * ImageWidth;

    /// <summary>The image shape in words: "28×28" for one channel, "3×28×28" (C×H×W) for more.</summary>
    [JsonIgnore] public string ImageShapeText => (ImageChannels == 1 ? "" : $"{ImageChannels}×") + $"{ImageHeight}×{ImageWidth}";

    /// <summary>What the model reads: images for every variant here; a variant for sentences overrides it.</summary>
    [JsonIgnore] public virtual ModelInput Input => ModelInput.Images;

    /// <summary>What the model is conditioned on besides the image.</summary>
    [JsonIgnore] public virtual Conditioning Conditioning => Conditioning.None;

    /// <summary>For a model that learns from a labelled subset of the training images (semi-supervised): how many labels and their seed; null otherwise.</summary>
    [JsonIgnore] public virtual SemiSupervised.LabelRequest? LabelRequest => null;

    /// <summary>Options that serialize a configuration the same way every time (checkpoints compare them).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The <c>"variant"</c> names experiment files use, in declaration order.</summary>
    public static IReadOnlyList<string> VariantNames { get; } =
        typeof(VaeConfig).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => (string)a.TypeDiscriminator!).ToArray();

    /// <summary>This configuration's <c>"variant"</c> name.</summary>
    [JsonIgnore]
    public string VariantName =>
        (string)typeof(VaeConfig).GetCustomAttributes<JsonDerivedTypeAttribute>().First(a => a.DerivedType == GetType()).TypeDiscriminator!;

    /// <summary>
    /// Composes the model this configuration describes: a <see cref="GaussianEncoder"/> and a
    /// <see cref="ConcatDecoder"/> over the MLP or conv networks, the likelihood, the prior and the
    /// objective. Parameters are drawn from <paramref name="rng"/> in the order encoder, μ and log σ²
    /// heads, decoder, prior.
    /// </summary>
    public virtual VariationalAutoencoder Build(Rng rng)
    {
        Validate();
        int conditionSize = Conditioning.Size;
        bool mlp = Architecture == Architecture.Mlp;
        var (body, features) = Networks.EncoderBody(this, mlp ? Pixels + conditionSize : Pixels, rng);
        var encoder = (Posterior ?? new Posteriors.DiagonalPosteriorConfig()).BuildEncoder(body, features, LatentSize, conditionSize, rng, conditionAfterBody: !mlp);
        var decoder = new ConcatDecoder(Networks.Decoder(this, LatentSize + conditionSize, rng));
        var likelihood = Likelihoods.Likelihood.Create(Likelihood, Pixels, GaussianSigma);
        var prior = (Prior ?? new StandardNormalPriorConfig()).Build(LatentSize, Pixels, rng);
        return new VariationalAutoencoder(encoder, decoder, LatentSize, ImageHeight, ImageWidth, prior, likelihood, BuildObjective(), Conditioning, this, ImageChannels);
    }

    /// <summary>The training objective <see cref="Objective"/> names, with the KL penalty in force.</summary>
    public virtual TrainingObjective BuildObjective() => Objective switch
    {
        Objective.Elbo => new ElboObjective(ResolveKlPenalty()),
        Objective.ReconstructionOnly => new ReconstructionOnlyObjective(),
        Objective.KlOnly => new KlOnlyObjective(ResolveKlPenalty()),
        Objective.DeterministicAutoencoder => new AutoencoderObjective(),
        Objective.ImportanceWeighted => new ImportanceWeightedObjective(Samples),
        _ => throw new ArgumentOutOfRangeException(nameof(Objective), Objective, "unknown objective"),
    };

    /// <summary>The KL penalty in force, after the objective's overrides.</summary>
    public virtual KlPenalty ResolveKlPenalty() => Objective switch
    {
        Objective.ReconstructionOnly or Objective.DeterministicAutoencoder => new WeightedKl(new ConstantKlWeight(0f)),
        _ => KlPenalty ?? new WeightedKl(new ConstantKlWeight(1f)),
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public virtual void Validate()
    {
        Require(ImageHeight is > 0 and <= MaxImageSide, nameof(ImageHeight), $"must be between 1 and {MaxImageSide} pixels (got {ImageHeight})");
        Require(ImageWidth is > 0 and <= MaxImageSide, nameof(ImageWidth), $"must be between 1 and {MaxImageSide} pixels (got {ImageWidth})");
        Require(ImageChannels is 1 or 3, nameof(ImageChannels), $"must be 1 (greyscale) or 3 (RGB) (got {ImageChannels})");
        Require(LatentSize is > 0 and <= MaxWidth, nameof(LatentSize), $"must be between 1 and {MaxWidth} (got {LatentSize})");
        Require(HiddenSizes.All(h => h is > 0 and <= MaxWidth), nameof(HiddenSizes), $"every width must be between 1 and {MaxWidth} (got [{string.Join(", ", HiddenSizes)}])");
        Require(ConvChannels.All(c => c is > 0 and <= MaxWidth), nameof(ConvChannels), $"every channel count must be between 1 and {MaxWidth} (got [{string.Join(", ", ConvChannels)}])");
        Require(Architecture != Architecture.Mlp || LargestWeightMatrix() <= int.MaxValue, nameof(HiddenSizes),
            $"the layers {Pixels}-{string.Join("-", HiddenSizes)}-{LatentSize} need a weight matrix of {LargestWeightMatrix()} elements; at most {int.MaxValue} fit");
        Require(Dropout is >= 0 and < 1, nameof(Dropout), $"must be at least 0 and below 1 (got {Dropout})");
        Require(Dropout == 0 || Architecture == Architecture.Mlp, nameof(Dropout), "is applied after the MLP's hidden layers; the conv architecture has none");
        Require(float.IsFinite(GaussianSigma), nameof(GaussianSigma), $"must be a finite number > 0 (got {GaussianSigma})");
        KlPenalty?.Validate("klPenalty");
        Require(Architecture != Architecture.Mlp || HiddenSizes.Length > 0, nameof(HiddenSizes), "an MLP needs at least one hidden layer");
        Require(Architecture == Architecture.Mlp || (ConvChannels.Length > 0 && ConvChannels.All(c => c > 0)),
            nameof(ConvChannels), "the conv architecture needs at least one convolution, each with a positive channel count");
        Require(Architecture != Architecture.Conv || (ImageHeight % (1 << ConvChannels.Length) == 0 && ImageWidth % (1 << ConvChannels.Length) == 0),
            nameof(ConvChannels), $"{ConvChannels.Length} stride-2 convolutions need image sides divisible by {1 << ConvChannels.Length}");
        Require(GaussianSigma > 0, nameof(GaussianSigma), "must be positive");
        Require(Networks.IsKnownActivation(Activation), nameof(Activation), $"'{Activation}' is not one of relu, leaky-relu, tanh, sigmoid, gelu, silu, elu");
        Require(Samples is >= 1 and <= 100_000, nameof(Samples), $"must be between 1 and 100000 (got {Samples})");
        Require(Objective == Objective.ImportanceWeighted || Samples == 1, nameof(Samples),
            "is k of the importance-weighted objective; set \"objective\": \"importance-weighted\" or leave samples at 1");
        Require(Objective != Objective.ImportanceWeighted || KlPenalty is null, nameof(KlPenalty),
            "the importance-weighted objective has no KL weighting; remove klPenalty");
        Prior?.Validate();
        Require(Prior is not VampPriorConfig || !Conditioning.IsConditional, nameof(Prior), "the VampPrior is defined for unconditional models");
        Posterior?.Validate();
        Require(Prior is not VampPriorConfig || Posterior is null || Posterior.HasDensityEverywhere, nameof(Posterior),
            $"the {Posterior?.Describe()} posterior has no density at an arbitrary z, which the VampPrior's pseudo-input mixture needs; use the diagonal posterior with the VampPrior, or the standard-normal prior with a flow");
    }

    /// <summary>Largest latent size, hidden width or channel count; larger ones are typos (1e9) rather than models.</summary>
    public const int MaxWidth = 65_536;

    /// <summary>Largest image side in pixels.</summary>
    public const int MaxImageSide = 4096;

    /// <summary>Elements of the MLP's largest weight matrix (values per image × first width, …, last width × 2·latent).</summary>
    private long LargestWeightMatrix()
    {
        long[] widths = [(long)ImageChannels * ImageHeight * ImageWidth, .. HiddenSizes.Select(h => (long)h), 2L * LatentSize];
        return widths.Zip(widths.Skip(1), (a, b) => a * b).DefaultIfEmpty(0).Max();
    }

    protected static void Require(bool condition, string field, string problem)
    {
        if (!condition) throw new ArgumentException($"{field}: {problem}.");
    }
}

/// <summary>
/// β-VAE (Higgins et al. 2017): the KL is weighted by β; optionally with a schedule (warm-up,
/// cyclical), free bits, or capacity annealing (Burgess et al. 2018).
/// </summary>
public record BetaVaeConfig : VaeConfig
{
    /// <summary>The KL weight β: the only source of β for this variant (a KL schedule carries its own β, so it goes with variant "vae").</summary>
    public float Beta { get; init; } = 4f;

    public override KlPenalty ResolveKlPenalty() =>
        Objective == Objective.Elbo ? new WeightedKl(new ConstantKlWeight(Beta)) : base.ResolveKlPenalty();

    public override void Validate()
    {
        base.Validate();
        Require(float.IsFinite(Beta) && Beta >= 0, nameof(Beta), $"must be a finite number ≥ 0 (got {Beta})");
        Require(KlPenalty is null, nameof(KlPenalty),
            "beta-vae takes β from \"beta\" alone; for a KL schedule, free bits or capacity annealing use variant \"vae\" with klPenalty (whose schedule carries β)");
    }
}

/// <summary>
/// Conditional VAE (Sohn et al. 2015), conditioned on a class label: the one-hot label is joined to
/// the encoder's input and to z for the decoder.
/// </summary>
public record ConditionalVaeConfig : VaeConfig
{
    /// <summary>Number of classes (length of the one-hot condition).</summary>
    public int Classes { get; init; } = 10;

    public override Conditioning Conditioning => new(Classes);

    public override void Validate()
    {
        base.Validate();
        Require(Classes is > 1 and <= MaxWidth, nameof(Classes), $"must be between 2 and {MaxWidth} (got {Classes})");
    }
}
