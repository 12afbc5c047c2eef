namespace Workbench.Models;

/// <summary>
/// Which objective a configured model trains with, as experiment files name it: the ELBO, the
/// ablations that show why both of its terms are needed, or the importance-weighted bound. Each maps
/// onto a <see cref="Objectives.TrainingObjective"/> (<see cref="VaeConfig.BuildObjective"/>).
/// </summary>
public enum Objective
{
    /// <summary>Reconstruction + weighted KL: the (β-)VAE.</summary>
    Elbo,

    /// <summary>KL weight 0; the encoder still samples z ~ q(z|x). Posterior σ shrinks toward 0 and KL grows without bound.</summary>
    ReconstructionOnly,

    /// <summary>
    /// The encoder is trained on the KL term alone: the reconstruction term does not reach it (z is cut
    /// from the graph before the decoder), so q(z|x) collapses to the prior N(0, I). The decoder still
    /// fits the data given z; since z then carries no information about x, its best output, and so
    /// every reconstruction, is the mean image.
    /// </summary>
    KlOnly,

    /// <summary>A plain autoencoder: z = μ (no sampling) and no KL in the loss (KL is still reported).</summary>
    DeterministicAutoencoder,

    /// <summary>The importance-weighted bound with <see cref="VaeConfig.Samples"/> samples per image (Burda et al. 2016).</summary>
    ImportanceWeighted,
}

/// <summary>Encoder/decoder network family.</summary>
public enum Architecture
{
    /// <summary>Fully connected layers over the flattened image.</summary>
    Mlp,

    /// <summary>Strided convolutions (encoder) and transposed convolutions (decoder) for 28×28 images.</summary>
    Conv,

    /// <summary>
    /// PyTorch-VAE's VanillaVAE for one-channel images: 3×3 stride-2 convolutions each followed by BatchNorm2d and the
    /// activation, mirrored by transposed convolutions with batch norm, and a final 3×3 convolution to the logits
    /// (see <see cref="ConvBnNetworks"/>). Experiment files name it "conv-bn".
    /// </summary>
    ConvBn,
}

/// <summary>The decoder's likelihood p(x|z).</summary>
public enum LikelihoodKind
{
    /// <summary>Independent Bernoulli pixels with logits from the decoder (pixels in [0, 1]).</summary>
    Bernoulli,

    /// <summary>Independent Gaussian pixels with a fixed σ.</summary>
    GaussianFixedVariance,

    /// <summary>Independent Gaussian pixels with one learned log σ² per pixel.</summary>
    GaussianLearnedVariance,

    /// <summary>Independent continuous Bernoulli pixels (the Bernoulli made a density on [0, 1]; logits from the decoder).</summary>
    ContinuousBernoulli,

    /// <summary>Independent discretized logistic pixels over 256 levels (mean from the decoder, one learned log-scale per pixel).</summary>
    DiscretizedLogistic,
}
