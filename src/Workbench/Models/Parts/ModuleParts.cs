using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Parts;

/// <summary>How an encoder or decoder registers the network it wraps.</summary>
internal static class ModuleParts
{
    /// <summary>
    /// Registers a <see cref="Sequential"/> <paramref name="network"/>'s layers directly under
    /// <paramref name="owner"/> ("0.weight", as a PyTorch module that is itself the Sequential would name them:
    /// the names every shipped model's checkpoints use), any other network as the child <paramref name="name"/>.
    /// </summary>
    public static void RegisterBody(Module owner, Module<Tensor, Tensor> network, string name)
    {
        if (network is Sequential sequential)
            foreach (var (layerName, layer) in sequential.NamedChildren) owner.RegisterModule(layerName, layer);
        else owner.RegisterModule(name, network);
    }
}
