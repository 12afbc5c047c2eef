using System.Globalization;
using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// Upsampling as PyTorch's <c>nn.Upsample</c>: (N, C, H, W) → (N, C, Ho, Wo) to a fixed <c>size</c> or by a
/// <c>scaleFactor</c> (Ho = ⌊H·scale⌋), by <see cref="UpsampleMode.Nearest"/> copying or
/// <see cref="UpsampleMode.Bilinear"/> interpolation; see <see cref="Tensor.Interpolate"/> for the index rules.
/// Give one of the two by name: <c>new Upsample(scaleFactor: 2)</c>, <c>new Upsample(size: (7, 9), mode: UpsampleMode.Bilinear)</c>.
/// </summary>
public sealed class Upsample : Module<Tensor, Tensor>
{
    public Upsample((int Height, int Width)? size = null, double? scaleFactor = null, UpsampleMode mode = UpsampleMode.Nearest, bool? alignCorners = null)
    {
        if (size is null == scaleFactor is null)
            throw new ArgumentException("Upsample: give exactly one of size and scaleFactor.");
        if (size is { } s && (s.Height < 1 || s.Width < 1))
            throw new ArgumentOutOfRangeException(nameof(size), $"Upsample: size must be positive, got {s.Height}×{s.Width}.");
        if (scaleFactor is double f && (!(f > 0) || double.IsInfinity(f)))
            throw new ArgumentOutOfRangeException(nameof(scaleFactor), $"Upsample: scaleFactor must be a positive finite number, got {f}.");
        if (mode == UpsampleMode.Nearest && alignCorners is not null)
            throw new ArgumentException("Upsample: alignCorners can only be set with the interpolating mode Bilinear, not Nearest.", nameof(alignCorners));
        (Size, ScaleFactor, Mode, AlignCorners) = (size, scaleFactor, mode, alignCorners);
    }

    public (int Height, int Width)? Size { get; }
    public double? ScaleFactor { get; }
    public UpsampleMode Mode { get; }
    public bool? AlignCorners { get; }

    public override Tensor Forward(Tensor input) => Tensor.Interpolate(input, Size, ScaleFactor, Mode, AlignCorners);

    /// <summary>PyTorch's form: "scale_factor=2.0, mode=nearest" or "size=(7, 9), mode=bilinear" (align_corners is not shown).</summary>
    protected override string ExtraRepr()
    {
        string mode = Mode.ToString().ToLowerInvariant();
        if (Size is { } s) return $"size=({s.Height}, {s.Width}), mode={mode}";
        string scale = ScaleFactor!.Value.ToString("R", CultureInfo.InvariantCulture);
        if (!scale.Contains('.') && !scale.Contains('E')) scale += ".0"; // as Python prints a float
        return $"scale_factor={scale}, mode={mode}";
    }
}
