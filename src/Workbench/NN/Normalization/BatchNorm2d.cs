using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// Batch normalisation of images as PyTorch's <c>nn.BatchNorm2d</c> (Ioffe &amp; Szegedy 2015): (N, C, H, W) → same
/// shape, each channel normalised over its N·H·W values and mapped by γ_c·x̂ + β_c. See <see cref="BatchNormLayer"/>
/// for the parameters, buffers and modes.
/// </summary>
public sealed class BatchNorm2d(int channels, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    : BatchNormLayer(channels, eps, momentum, affine, trackRunningStats)
{
    protected override void CheckInput(Tensor input)
    {
        if (input.Rank != 4) throw new ArgumentException($"BatchNorm2d: input must be (N, C, H, W), got shape {Tensor.ShapeText(input.Dims)}.");
    }
}
