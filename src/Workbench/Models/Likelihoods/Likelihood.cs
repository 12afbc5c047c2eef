using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Likelihoods;

/// <summary>
/// The decoder's observation model p(x|z), given the decoder output for a batch. A module because
/// some likelihoods carry parameters (a learned variance) or buffers (a fixed one).
/// </summary>
public abstract class Likelihood : Module
{
    /// <summary>−log p(x | decoder output) summed over pixels: (B, D), (B, D) → (B), nats per image.</summary>
    public abstract Tensor NegativeLogLikelihood(Tensor decoderOutput, Tensor x);

    /// <summary>log p(x | decoder output) summed over pixels: (B, D), (B, D) → (B), nats per image.</summary>
    public Tensor LogDensity(Tensor decoderOutput, Tensor x) => -NegativeLogLikelihood(decoderOutput, x);

    /// <summary>
    /// −log p(x[rowsOfX[r]] | decoder output row r): (R, D), (B, D), (R) → (R), nats. Importance sampling
    /// decodes k samples per image; this reads each image through the map instead of k copies. By default
    /// it gathers the rows and calls <see cref="NegativeLogLikelihood(Tensor, Tensor)"/>; a likelihood
    /// overrides it when it can do better.
    /// </summary>
    public virtual Tensor NegativeLogLikelihood(Tensor decoderOutput, Tensor x, int[] rowsOfX) =>
        NegativeLogLikelihood(decoderOutput, x.GatherRows(rowsOfX));

    /// <summary>log p(x[rowsOfX[r]] | decoder output row r): (R, D), (B, D), (R) → (R), nats.</summary>
    public Tensor LogDensity(Tensor decoderOutput, Tensor x, int[] rowsOfX) => -NegativeLogLikelihood(decoderOutput, x, rowsOfX);

    /// <summary>E[x | z]: what reconstructions and samples show, in pixel units. (B, D)</summary>
    public abstract Tensor Mean(Tensor decoderOutput);

    /// <summary>
    /// The number of grey levels per pixel when this likelihood is a probability mass function over them (256 for
    /// 8-bit images): then −log p is a code length and is also reported in bits per dimension, nats / (D·ln 2).
    /// Null for a density (Gaussian, continuous Bernoulli) or for the Bernoulli applied to grey levels, which is
    /// neither: its nats are not the probability of a grey-level image.
    /// </summary>
    public virtual int? PixelLevels => null;

    /// <summary>Creates the likelihood a configuration names.</summary>
    public static Likelihood Create(LikelihoodKind kind, int pixels, float fixedSigma) => kind switch
    {
        LikelihoodKind.Bernoulli => new BernoulliLikelihood(),
        LikelihoodKind.GaussianFixedVariance => new GaussianLikelihood(pixels, fixedSigma, learnVariance: false),
        LikelihoodKind.GaussianLearnedVariance => new GaussianLikelihood(pixels, fixedSigma, learnVariance: true),
        LikelihoodKind.ContinuousBernoulli => new ContinuousBernoulliLikelihood(),
        LikelihoodKind.DiscretizedLogistic => new DiscretizedLogisticLikelihood(pixels),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown likelihood"),
    };
}

/// <summary>
/// Independent Bernoulli pixels: −log p(x|z) = Σ_pixels BCE(logits, x), exactly the loss of the
/// classic PyTorch VAE example (which applies a sigmoid and then BCE; we fuse them for stability).
/// Targets may be grey levels in [0, 1] (the usual continuous relaxation) or binarised pixels.
/// No constant is dropped: for binary x this is the exact negative log-probability.
/// </summary>
public sealed class BernoulliLikelihood : Likelihood
{
    public override Tensor NegativeLogLikelihood(Tensor decoderOutput, Tensor x) =>
        Losses.BinaryCrossEntropyWithLogits(decoderOutput, x, Reduction.None).Sum(1);

    /// <summary>One fused pass: each row's cross-entropy summed as it is made, the image read through the map.</summary>
    public override Tensor NegativeLogLikelihood(Tensor decoderOutput, Tensor x, int[] rowsOfX) =>
        Losses.BinaryCrossEntropyWithLogitsRows(decoderOutput, x, rowsOfX);

    public override Tensor Mean(Tensor decoderOutput) => decoderOutput.Sigmoid();

    public override string ToString() => "BernoulliLikelihood()";
}

/// <summary>
/// Independent Gaussian pixels N(x; μ, σ²) with μ = sigmoid(decoder output), which keeps the mean in
/// the pixel range. σ is fixed, or learned as one log σ² per pixel (initialised to log of the fixed σ²).
/// −log p includes every constant: ½ log 2π + ½ log σ² + (x − μ)² / 2σ² per pixel, so values are
/// comparable across σ and with other likelihoods' nats (as densities, not probabilities).
/// </summary>
public sealed class GaussianLikelihood : Likelihood
{
    private readonly Tensor _logVariance; // (D) or (1)

    public GaussianLikelihood(int pixels, float sigma, bool learnVariance)
    {
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "The Gaussian likelihood's σ must be positive.");
        LearnsVariance = learnVariance;
        float logVariance = 2f * MathF.Log(sigma);
        // Learned: a parameter per pixel. Fixed: a buffer, so checkpoints still say which σ the model used.
        _logVariance = learnVariance
            ? RegisterParameter("log_variance", Tensor.Full(logVariance, pixels))
            : RegisterBuffer("log_variance", Tensor.Full(logVariance, 1));
    }

    /// <summary>Whether log σ² is a trained parameter.</summary>
    public bool LearnsVariance { get; }

    /// <summary>The current log σ², (D) when learned, else (1).</summary>
    public Tensor LogVariance => _logVariance;

    public override Tensor NegativeLogLikelihood(Tensor decoderOutput, Tensor x) =>
        -Losses.GaussianLogLikelihood(x, Mean(decoderOutput), _logVariance, Reduction.None).Sum(1);

    public override Tensor Mean(Tensor decoderOutput) => decoderOutput.Sigmoid();

    public override string ToString() =>
        $"GaussianLikelihood(sigma={(LearnsVariance ? "learned" : MathF.Exp(0.5f * _logVariance.Span[0]).ToString("G4"))})";
}
