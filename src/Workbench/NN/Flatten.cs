using Workbench.Tensors;

namespace Workbench.NN;

/// <summary>
/// Merges every axis from <see cref="StartAxis"/> on into one, as PyTorch's <c>nn.Flatten</c>:
/// (N, C, H, W) → (N, C·H·W) with the default start axis 1. A view: no copy.
/// </summary>
public sealed class Flatten(int startAxis = 1) : Module<Tensor, Tensor>
{
    public int StartAxis { get; } = startAxis;

    public override Tensor Forward(Tensor input) => input.Flatten(StartAxis);

    protected override string ExtraRepr() => $"start_dim={StartAxis}, end_dim=-1";
}
