using Workbench.Kernels;

namespace Workbench.Tensors;

// The discretized logistic over 8-bit pixel levels (Kingma et al. 2016, IAF; Salimans et al. 2017, PixelCNN++):
// a probability mass function, so its −log p is a code length (nats, or bits per dimension).
public static partial class Losses
{
    /// <summary>
    /// −log P(x) per element, in nats, of the discretized logistic with mean <paramref name="mean"/> and scale
    /// s = exp(<paramref name="logScale"/>) over <paramref name="levels"/> levels k/(levels − 1) of [0, 1] (256 for 8-bit
    /// pixels / 255): the logistic's mass over x's bin of width 1/(levels − 1), the lowest bin taking the tail below 0
    /// and the highest the tail above 1, so the probabilities of the levels sum to 1. PixelCNN++'s
    /// <c>discretized_logistic_loss</c> for one component on [0, 1] instead of [−1, 1], in log space throughout
    /// (see <see cref="DiscretizedLogisticKernels"/>). <paramref name="logScale"/> broadcasts to x's shape (a learned
    /// (D) per pixel against (B, D) images). x must hold levels (within 1/1000 of a level), else an
    /// <see cref="ArgumentException"/> names the first element that does not.
    /// </summary>
    /// <remarks>With a, b the bin's edges in logistic units: ∂/∂μ = (σ(−a) − σ(b))/s, ∂/∂log s =
    /// aσ(−a) − bσ(b) + (a − b)/(e^(a−b) − 1), the end bins without their open side's terms. x gets no gradient (it is data).</remarks>
    public static Tensor DiscretizedLogisticNegativeLogLikelihood(Tensor mean, Tensor logScale, Tensor x, int levels = 256,
        Reduction reduction = Reduction.Sum)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logScale);
        ArgumentNullException.ThrowIfNull(x);
        CheckReduction(reduction);
        if (levels < 2) throw new ArgumentOutOfRangeException(nameof(levels), levels, "DiscretizedLogisticNegativeLogLikelihood: levels must be 2 or more.");
        Tensor.RequireSameShape(mean, x, "DiscretizedLogisticNegativeLogLikelihood: mean and x");
        CheckLevels(x, levels);
        var scale = logScale.Dims.AsSpan().SequenceEqual(x.Dims) ? logScale : logScale.Expand(x.Dims); // autograd sums the expansion back
        var terms = Tensor.Uninitialized(x.Dims);
        var meanDerivative = Tensor.Tracks(mean) ? Tensor.Uninitialized(x.Dims) : null;
        var scaleDerivative = Tensor.Tracks(scale) ? Tensor.Uninitialized(x.Dims) : null;
        DiscretizedLogisticKernels.Forward(mean.Storage, scale.Storage, x.Storage, levels, terms.Storage,
            meanDerivative is null ? Span<float>.Empty : meanDerivative.Storage, scaleDerivative is null ? Span<float>.Empty : scaleDerivative.Storage);
        var y = Reduce(terms, reduction);
        if (meanDerivative is null && scaleDerivative is null) return y;
        return y.Record("DiscretizedLogisticNegativeLogLikelihood", [mean, scale], g =>
        {
            var upstream = Upstream(g, reduction, terms.Size);
            if (meanDerivative is not null)
            {
                var (gradient, beta) = mean.GradForUpdate();
                LossKernels.AccumulateChain(upstream, meanDerivative.Storage, gradient, overwrite: beta == 0f);
            }
            if (scaleDerivative is not null)
            {
                var (gradient, beta) = scale.GradForUpdate();
                LossKernels.AccumulateChain(upstream, scaleDerivative.Storage, gradient, overwrite: beta == 0f);
            }
        });
    }

    /// <summary>
    /// E[x] of the discretized logistic (as <see cref="DiscretizedLogisticNegativeLogLikelihood"/>) per element, in [0, 1]:
    /// Σ_k k/(levels − 1)·P(k), exact, which is not μ (the end bins' tails pull it inside [0, 1]). No gradient: it is what
    /// pictures show. <paramref name="logScale"/> broadcasts to <paramref name="mean"/>'s shape.
    /// </summary>
    public static Tensor DiscretizedLogisticMean(Tensor mean, Tensor logScale, int levels = 256)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logScale);
        if (levels < 2) throw new ArgumentOutOfRangeException(nameof(levels), levels, "DiscretizedLogisticMean: levels must be 2 or more.");
        Tensor scale;
        using (GradMode.NoGrad()) scale = logScale.Dims.AsSpan().SequenceEqual(mean.Dims) ? logScale : logScale.Expand(mean.Dims);
        var y = Tensor.Uninitialized(mean.Dims);
        DiscretizedLogisticKernels.Mean(mean.Storage, scale.Storage, levels, y.Storage);
        return y;
    }

    /// <summary>Throws naming the first element of x that is not one of the levels k/(levels − 1).</summary>
    private static void CheckLevels(Tensor x, int levels)
    {
        var values = x.Storage.AsSpan(0, x.Size);
        for (int i = 0; i < values.Length; i++)
            if (DiscretizedLogisticKernels.Level(values[i], levels) < 0)
                throw new ArgumentException(
                    $"DiscretizedLogisticNegativeLogLikelihood: x[{i}] = {values[i]:G9} is not one of the {levels} levels k/{levels - 1} of [0, 1] " +
                    $"(for 8-bit images, bytes / 255); this likelihood is a probability mass function over those levels.", nameof(x));
    }
}
