using System.Globalization;
using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// Layer normalisation as PyTorch's <c>nn.LayerNorm</c> (Ba, Kiros &amp; Hinton 2016): each sample's last dimensions
/// <see cref="NormalizedShape"/> normalised by their own mean and biased variance, then multiplied by "weight" (ones)
/// and shifted by "bias" (zeros), both of that shape. The same in training and evaluation mode.
/// </summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
    {
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d < 1))
            throw new ArgumentOutOfRangeException(nameof(normalizedShape), $"LayerNorm: normalizedShape must be one or more positive sizes, got ({string.Join(", ", normalizedShape)}).");
        if (!(eps >= 0) || double.IsInfinity(eps)) throw new ArgumentOutOfRangeException(nameof(eps), $"LayerNorm: eps must be a finite number ≥ 0, got {eps}.");
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(NormalizedShape));
            Bias = RegisterParameter("bias", Tensor.Zeros(NormalizedShape));
        }
    }

    /// <summary>A layer normalising the last dimension of size <paramref name="features"/>.</summary>
    public LayerNorm(int features, double eps = 1e-5, bool elementwiseAffine = true) : this([features], eps, elementwiseAffine) { }

    public int[] NormalizedShape { get; }

    public double Eps { get; }

    /// <summary>NormalizedShape, or null without an elementwise affine map.</summary>
    public Tensor? Weight { get; }

    /// <summary>NormalizedShape, or null without an elementwise affine map.</summary>
    public Tensor? Bias { get; }

    /// <summary>(…, NormalizedShape) → same shape.</summary>
    public override Tensor Forward(Tensor input) => Tensor.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);

    protected override string ExtraRepr() =>
        $"({string.Join(", ", NormalizedShape)}{(NormalizedShape.Length == 1 ? "," : "")}), eps={Eps.ToString(CultureInfo.InvariantCulture)}, elementwise_affine={(Weight is null ? "False" : "True")}";
}
