using System.Text.Json.Serialization;
using Workbench.Models.Kl;

namespace Workbench.Models;

/// <summary>
/// Configuration of a vanilla VAE (Kingma &amp; Welling 2014). Variants inherit and add only what
/// differs: <see cref="BetaVaeConfig"/> (β and KL schedules), <see cref="ConditionalVaeConfig"/>
/// (class conditioning). The defaults are the classic PyTorch example: 784-400-20, ReLU, Bernoulli.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "variant")]
[JsonDerivedType(typeof(VaeConfig), "vae")]
[JsonDerivedType(typeof(BetaVaeConfig), "beta-vae")]
[JsonDerivedType(typeof(ConditionalVaeConfig), "cvae")]
public record VaeConfig
{
    /// <summary>Image height in pixels.</summary>
    public int ImageHeight { get; init; } = 28;

    /// <summary>Image width in pixels.</summary>
    public int ImageWidth { get; init; } = 28;

    /// <summary>Encoder/decoder family.</summary>
    public Architecture Architecture { get; init; } = Architecture.Mlp;

    /// <summary>Hidden layer widths of the MLP encoder (the decoder mirrors them). Unused by the conv architecture.</summary>
    public int[] HiddenSizes { get; init; } = [400];

    /// <summary>Channels of the conv encoder's strided convolutions (the decoder mirrors them).</summary>
    public int[] ConvChannels { get; init; } = [32, 64];

    /// <summary>Latent dimensions.</summary>
    public int LatentSize { get; init; } = 20;

    /// <summary>Hidden activation: relu, leaky-relu, tanh or sigmoid.</summary>
    public string Activation { get; init; } = "relu";

    /// <summary>The decoder's likelihood.</summary>
    public LikelihoodKind Likelihood { get; init; } = LikelihoodKind.Bernoulli;

    /// <summary>σ of the fixed-variance Gaussian likelihood (initial σ when learned).</summary>
    public float GaussianSigma { get; init; } = 0.1f;

    /// <summary>Which terms are optimised: the full ELBO or one of the ablations.</summary>
    public Objective Objective { get; init; } = Objective.Elbo;

    /// <summary>How the KL enters the loss; null means weight 1 (the plain ELBO).</summary>
    public KlPenalty? KlPenalty { get; init; }

    /// <summary>Number of pixels per image.</summary>
    [JsonIgnore] public int Pixels => ImageHeight * ImageWidth;

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
        Require(LatentSize is > 0 and <= MaxWidth, nameof(LatentSize), $"must be between 1 and {MaxWidth} (got {LatentSize})");
        Require(HiddenSizes.All(h => h is > 0 and <= MaxWidth), nameof(HiddenSizes), $"every width must be between 1 and {MaxWidth} (got [{string.Join(", ", HiddenSizes)}])");
        Require(ConvChannels.All(c => c is > 0 and <= MaxWidth), nameof(ConvChannels), $"every channel count must be between 1 and {MaxWidth} (got [{string.Join(", ", ConvChannels)}])");
        Require(Architecture != Architecture.Mlp || LargestWeightMatrix() <= int.MaxValue, nameof(HiddenSizes),
            $"the layers {Pixels}-{string.Join("-", HiddenSizes)}-{LatentSize} need a weight matrix of {LargestWeightMatrix()} elements; at most {int.MaxValue} fit");
        Require(float.IsFinite(GaussianSigma), nameof(GaussianSigma), $"must be a finite number > 0 (got {GaussianSigma})");
        KlPenalty?.Validate("klPenalty");
        Require(Architecture != Architecture.Mlp || HiddenSizes.Length > 0, nameof(HiddenSizes), "an MLP needs at least one hidden layer");
        Require(Architecture != Architecture.Conv || (ConvChannels.Length > 0 && ConvChannels.All(c => c > 0)),
            nameof(ConvChannels), "the conv architecture needs at least one convolution, each with a positive channel count");
        Require(Architecture != Architecture.Conv || (ImageHeight % (1 << ConvChannels.Length) == 0 && ImageWidth % (1 << ConvChannels.Length) == 0),
            nameof(ConvChannels), $"{ConvChannels.Length} stride-2 convolutions need image sides divisible by {1 << ConvChannels.Length}");
        Require(GaussianSigma > 0, nameof(GaussianSigma), "must be positive");
        Require(Networks.IsKnownActivation(Activation), nameof(Activation), $"'{Activation}' is not one of relu, leaky-relu, tanh, sigmoid");
    }

    /// <summary>Largest latent size, hidden width or channel count; larger ones are typos (1e9) rather than models.</summary>
    public const int MaxWidth = 65_536;

    /// <summary>Largest image side in pixels.</summary>
    public const int MaxImageSide = 4096;

    /// <summary>Elements of the MLP's largest weight matrix (pixels × first width, …, last width × 2·latent).</summary>
    private long LargestWeightMatrix()
    {
        long[] widths = [(long)ImageHeight * ImageWidth, .. HiddenSizes.Select(h => (long)h), 2L * LatentSize];
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
    /// <summary>The KL weight β (the schedule's final weight).</summary>
    public float Beta { get; init; } = 4f;

    public override KlPenalty ResolveKlPenalty() =>
        Objective == Objective.Elbo && KlPenalty is null ? new WeightedKl(new ConstantKlWeight(Beta)) : base.ResolveKlPenalty();

    public override void Validate()
    {
        base.Validate();
        Require(float.IsFinite(Beta) && Beta >= 0, nameof(Beta), $"must be a finite number ≥ 0 (got {Beta})");
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

    public override void Validate()
    {
        base.Validate();
        Require(Classes is > 1 and <= MaxWidth, nameof(Classes), $"must be between 2 and {MaxWidth} (got {Classes})");
    }
}
