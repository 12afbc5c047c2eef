using Workbench.Models.Kl;
using Workbench.Models.Objectives;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.VectorQuantized;

/// <summary>
/// Configuration of a VQ-VAE (<c>"variant": "vq-vae"</c>, van den Oord et al. 2017). The networks are always
/// convolutional: <see cref="VaeConfig.ConvChannels"/> stride-2 4×4 convolutions (28×28 → 7×7 with the default
/// [32, 64]) and a 1×1 convolution to <see cref="CodeSize"/> channels, the decoder mirroring them from a 3×3
/// convolution. The latent is the grid of code vectors, h·w·<see cref="CodeSize"/> numbers; <c>latentSize</c>,
/// <c>architecture</c> and <c>hiddenSizes</c> are not read. The prior is a <see cref="PixelCnn"/> over the code
/// grid, fitted for <see cref="PriorEpochs"/> epochs after the VQ-VAE has trained.
/// </summary>
public sealed record VqVaeConfig : VaeConfig
{
    /// <summary>K, the number of codes.</summary>
    public int Codes { get; init; } = 128;

    /// <summary>D, the size of each code vector.</summary>
    public int CodeSize { get; init; } = 16;

    /// <summary>β, the commitment cost (0.25 in the paper).</summary>
    public float Commitment { get; init; } = 0.25f;

    /// <summary>Move the codes by exponential moving averages (the paper's appendix A.1) instead of by the codebook loss.</summary>
    public bool Ema { get; init; } = true;

    /// <summary>γ of the EMA codebook update.</summary>
    public float EmaDecay { get; init; } = 0.99f;

    /// <summary>With <see cref="Ema"/>: move codes that fell out of use onto random encoder outputs of the batch (off by default).</summary>
    public bool RestartDeadCodes { get; init; }

    /// <summary>Hidden channels of the PixelCNN prior.</summary>
    public int PriorChannels { get; init; } = 32;

    /// <summary>Mask-B layers of the PixelCNN prior (after its mask-A input layer).</summary>
    public int PriorLayers { get; init; } = 4;

    /// <summary>Epochs of the PixelCNN over the training set's codes, after the VQ-VAE has trained; 0 keeps the uniform prior.</summary>
    public int PriorEpochs { get; init; } = 5;

    /// <summary>Adam's learning rate for the PixelCNN.</summary>
    public float PriorLearningRate { get; init; } = 1e-3f;

    /// <summary>Code grids per PixelCNN step.</summary>
    public int PriorBatchSize { get; init; } = 128;

    /// <summary>The code grid's sides: the image sides halved once per stride-2 convolution.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public (int Height, int Width) Grid => (ImageHeight >> ConvChannels.Length, ImageWidth >> ConvChannels.Length);

    /// <summary>
    /// Composes the <see cref="VqVae"/>: parameters drawn from <paramref name="rng"/> in the order encoder body,
    /// codebook, decoder body, PixelCNN.
    /// </summary>
    public override VariationalAutoencoder Build(Rng rng)
    {
        Validate();
        var (h, w) = Grid;
        var body = new Sequential();
        body.Add(new Unflatten(ImageChannels, ImageHeight, ImageWidth));                    // (B, C, H, W)
        int channels = ImageChannels;
        foreach (int c in ConvChannels)
        {
            body.Add(new Conv2d(channels, c, kernelSize: 4, rng, stride: 2, padding: 1));
            body.Add(Networks.Activation(Activation));
            channels = c;
        }
        body.Add(new Conv2d(channels, CodeSize, kernelSize: 1, rng));                        // (B, D, h, w)
        var codebook = new Codebook(Codes, CodeSize, rng, Ema, EmaDecay, restartDeadCodes: RestartDeadCodes);
        var decoder = new Sequential();
        decoder.Add(new Conv2d(CodeSize, ConvChannels[^1], kernelSize: 3, rng, padding: 1));
        decoder.Add(Networks.Activation(Activation));
        for (int i = ConvChannels.Length - 1; i >= 0; i--)
        {
            int outChannels = i == 0 ? ImageChannels : ConvChannels[i - 1];
            decoder.Add(new ConvTranspose2d(ConvChannels[i], outChannels, kernelSize: 4, rng, stride: 2, padding: 1));
            if (i > 0) decoder.Add(Networks.Activation(Activation));
        }
        decoder.Add(new Flatten());                                                           // (B, C·H·W)
        var prior = new CodeGridPrior(h, w, Codes, PriorChannels, PriorLayers, rng);
        var likelihood = Likelihoods.Likelihood.Create(Likelihood, Pixels, GaussianSigma);
        return new VqVae(new VqEncoder(body, codebook, h, w), new CodeGridDecoder(decoder, h, w, CodeSize), prior, likelihood, Commitment,
            ImageHeight, ImageWidth, this);
    }

    /// <summary>"conv encoder and decoder, a 7×7 grid of 128 codes of size 16" for the defaults.</summary>
    public override string DescribeNetworks() => $"conv encoder and decoder, a {Grid.Height}×{Grid.Width} grid of {Codes} codes of size {CodeSize}";

    /// <summary>The PixelCNN prior over the code grid (uniform until it is fitted after training).</summary>
    public override string DescribePrior() => PriorEpochs > 0 ? $"PixelCNN prior fitted for {PriorEpochs} epochs after training" : "uniform prior over codes";

    public override TrainingObjective BuildObjective() => new VqVaeObjective(Commitment);

    /// <summary>The KL is reported, not trained: weight 0.</summary>
    public override KlPenalty ResolveKlPenalty() => new WeightedKl(new ConstantKlWeight(0f));

    public override void Validate()
    {
        base.Validate();
        Require(Codes is >= 2 and <= MaxWidth, nameof(Codes), $"must be between 2 and {MaxWidth} (got {Codes})");
        Require(CodeSize is >= 1 and <= MaxWidth, nameof(CodeSize), $"must be between 1 and {MaxWidth} (got {CodeSize})");
        Require(float.IsFinite(Commitment) && Commitment >= 0, nameof(Commitment), $"must be a finite number ≥ 0 (got {Commitment})");
        Require(EmaDecay is > 0f and < 1f, nameof(EmaDecay), $"must be in (0, 1) (got {EmaDecay})");
        Require(!RestartDeadCodes || Ema, nameof(RestartDeadCodes), "reads the EMA counts; set \"ema\": true");
        Require(PriorChannels is >= 1 and <= MaxWidth, nameof(PriorChannels), $"must be between 1 and {MaxWidth} (got {PriorChannels})");
        Require(PriorLayers is >= 0 and <= 64, nameof(PriorLayers), $"must be between 0 and 64 (got {PriorLayers})");
        Require(PriorEpochs is >= 0 and <= 10_000, nameof(PriorEpochs), $"must be between 0 and 10000 (got {PriorEpochs})");
        Require(float.IsFinite(PriorLearningRate) && PriorLearningRate > 0, nameof(PriorLearningRate), $"must be a finite number > 0 (got {PriorLearningRate})");
        Require(PriorBatchSize is >= 1 and <= 65_536, nameof(PriorBatchSize), $"must be between 1 and 65536 (got {PriorBatchSize})");
        Require(ImageHeight % (1 << ConvChannels.Length) == 0 && ImageWidth % (1 << ConvChannels.Length) == 0, nameof(ConvChannels),
            $"{ConvChannels.Length} stride-2 convolutions need image sides divisible by {1 << ConvChannels.Length}");
        Require(Objective == Objective.Elbo && KlPenalty is null && Prior is null && Samples == 1 && Dropout == 0, nameof(Objective),
            "the VQ-VAE has its own loss and prior; leave objective, klPenalty, prior, samples and dropout out");
    }
}
