using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Parts;

/// <summary>
/// A decoder network applied to z joined with the condition: (B, latent[+C]) → (B, D) decoder output
/// (logits or the Gaussian mean's pre-activation). The network is any tensor module; a
/// <see cref="Sequential"/> network's layers are registered directly under this module ("0", "1", …), as
/// in a PyTorch <c>nn.Sequential</c> decoder, any other network under "network" ("network.…").
/// </summary>
/// <remarks>Subclass and override <see cref="Forward"/> to feed the network something else than [z, condition].</remarks>
public class ConcatDecoder : Module<DecoderInput, Tensor>
{
    /// <param name="network">(B, latent[+C]) → (B, D).</param>
    public ConcatDecoder(Module<Tensor, Tensor> network)
    {
        ArgumentNullException.ThrowIfNull(network);
        Network = network;
        ModuleParts.RegisterBody(this, network, "network");
    }

    /// <summary>The network applied to [z, condition].</summary>
    public Module<Tensor, Tensor> Network { get; }

    public override Tensor Forward(DecoderInput input) =>
        Network.Forward(input.Condition is null ? input.Z : Tensor.Concat([input.Z, input.Condition], 1));
}
