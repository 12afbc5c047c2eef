using Workbench.Models.Parts;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Hierarchical;

/// <summary>
/// p(x | z_1): the decoder of a hierarchical VAE reads the lowest stochastic layer only, the first
/// latent_1 columns of [z_1, …, z_L] (the upper layers reach the image through the prior p(z_1 | z_2)).
/// The condition, if any, joins z_1 as in <see cref="ConcatDecoder"/>; the network's layers are registered
/// the same way ("0", "1", … for a <see cref="Sequential"/>).
/// </summary>
public sealed class FirstLayerDecoder : Module<DecoderInput, Tensor>
{
    /// <param name="network">(B, latent_1[+C]) → (B, D).</param>
    /// <param name="firstLayerSize">latent_1.</param>
    public FirstLayerDecoder(Module<Tensor, Tensor> network, int firstLayerSize)
    {
        if (firstLayerSize < 1) throw new ArgumentOutOfRangeException(nameof(firstLayerSize), firstLayerSize, "The first stochastic layer needs at least one dimension.");
        ArgumentNullException.ThrowIfNull(network);
        FirstLayerSize = firstLayerSize;
        Network = network;
        ModuleParts.RegisterBody(this, network, "network");
    }

    /// <summary>latent_1.</summary>
    public int FirstLayerSize { get; }

    /// <summary>The network applied to [z_1, condition].</summary>
    public Module<Tensor, Tensor> Network { get; }

    /// <summary>The network applied to z_1 = z[:, :latent_1] (joined with the condition). (B, D)</summary>
    public override Tensor Forward(DecoderInput input)
    {
        var firstLayer = input.Z.Narrow(1, 0, FirstLayerSize);                                  // (B, latent_1)
        return Network.Forward(input.Condition is null ? firstLayer : Tensor.Concat([firstLayer, input.Condition], 1));
    }
}
