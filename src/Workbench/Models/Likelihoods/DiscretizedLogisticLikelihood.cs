using Workbench.Tensors;

namespace Workbench.Models.Likelihoods;

/// <summary>
/// Independent discretized logistic pixels over the 256 levels of 8-bit images (x = byte / 255), as in the IAF
/// paper (Kingma et al. 2016) and PixelCNN++ (Salimans et al. 2017): each pixel's probability is a logistic's mass
/// over its level's bin, the end bins taking the tails, so the 256 probabilities sum to 1. The decoder output is the
/// logistic's mean μ per pixel (unconstrained: μ below 0 or above 1 puts the mass in the end bins, where Fashion-MNIST's
/// many black pixels are); the scale is one learned log s per pixel, shared by all images (initialised to
/// log <see cref="InitialScale"/>), so the decoder keeps one output per pixel like the other likelihoods.
/// A probability mass function: −log p is a code length, reported also in bits per dimension (nats / (D ln 2)).
/// </summary>
public sealed class DiscretizedLogisticLikelihood : Likelihood
{
    /// <summary>The logistic scale every pixel starts from: 1/32, about 8 grey levels (a standard deviation of 0.057).</summary>
    public const float InitialScale = 1f / 32f;

    /// <summary>Grey levels per pixel.</summary>
    public const int Levels = 256;

    private readonly Tensor _logScale; // (D)

    public DiscretizedLogisticLikelihood(int pixels)
    {
        if (pixels < 1) throw new ArgumentOutOfRangeException(nameof(pixels), pixels, "The discretized logistic likelihood needs at least one pixel.");
        _logScale = RegisterParameter("log_scale", Tensor.Full(MathF.Log(InitialScale), pixels));
    }

    /// <summary>The current log s per pixel, (D).</summary>
    public Tensor LogScale => _logScale;

    public override int? PixelLevels => Levels;

    public override Tensor NegativeLogLikelihood(Tensor decoderOutput, Tensor x) =>
        Losses.DiscretizedLogisticNegativeLogLikelihood(decoderOutput, _logScale, x, Levels, Reduction.None).Sum(1);

    /// <summary>E[x | z] = Σ_k (k/255)·P(k) per pixel, exact (no gradient).</summary>
    public override Tensor Mean(Tensor decoderOutput) => Losses.DiscretizedLogisticMean(decoderOutput, _logScale, Levels);

    public override string ToString() => "DiscretizedLogisticLikelihood(levels=256, scale=learned per pixel)";
}
