using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// Batch normalisation of features as PyTorch's <c>nn.BatchNorm1d</c> (Ioffe &amp; Szegedy 2015): (N, C) or (N, C, L)
/// → same shape, each feature normalised over its N (or N·L) values and mapped by γ_c·x̂ + β_c. See
/// <see cref="BatchNormLayer"/> for the parameters, buffers and modes.
/// </summary>
public sealed class BatchNorm1d(int features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    : BatchNormLayer(features, eps, momentum, affine, trackRunningStats)
{
    protected override void CheckInput(Tensor input)
    {
        if (input.Rank is not (2 or 3)) throw new ArgumentException($"BatchNorm1d: input must be (N, C) or (N, C, L), got shape {Tensor.ShapeText(input.Dims)}.");
    }
}
