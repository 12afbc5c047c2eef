using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Parts;

/// <summary>
/// A decoder network applied to z joined with the condition: (B, latent[+C]) → (B, D) decoder output
/// (logits or the Gaussian mean's pre-activation). The network's layers are registered directly under
/// this module ("0", "1", …), as in a PyTorch <c>nn.Sequential</c> decoder.
/// </summary>
public sealed class ConcatDecoder : Module<DecoderInput, Tensor>
{
    private readonly Sequential _network;

    public ConcatDecoder(Sequential network)
    {
        _network = network;
        foreach (var (name, layer) in network.NamedChildren) RegisterModule(name, layer);
    }

    public override Tensor Forward(DecoderInput input) =>
        _network.Forward(input.Condition is null ? input.Z : Tensor.Concat([input.Z, input.Condition], 1));
}
