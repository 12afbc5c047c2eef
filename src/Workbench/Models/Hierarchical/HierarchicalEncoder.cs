using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.NN;

namespace Workbench.Models.Hierarchical;

/// <summary>
/// The inference network of a VAE with L stochastic layers: q(z_1|x) from the image, then for each
/// upper layer a network q(z_l | z_{l−1}) that runs when a sample is drawn (<see cref="HierarchicalPosterior"/>).
/// State-dict names: "layer1.…" (the image encoder), "layer2.…", ….
/// </summary>
public sealed class HierarchicalEncoder : Module<EncoderInput, Posterior>
{
    private readonly Module<EncoderInput, Posterior>[] _upward;
    private readonly int[] _sizes;

    /// <param name="bottom">x (B, D) → q(z_1|x) over latent_1 dimensions.</param>
    /// <param name="upward">For l = 2 … L: z_{l−1} → q(z_l | z_{l−1}) over latent_l dimensions.</param>
    /// <param name="sizes">latent_1, …, latent_L.</param>
    public HierarchicalEncoder(Module<EncoderInput, Posterior> bottom, IReadOnlyList<Module<EncoderInput, Posterior>> upward, IReadOnlyList<int> sizes)
    {
        if (upward.Count != sizes.Count - 1)
            throw new ArgumentException($"A hierarchy of {sizes.Count} stochastic layers needs {sizes.Count - 1} upward networks; got {upward.Count}.");
        Bottom = RegisterModule("layer1", bottom);
        _upward = new Module<EncoderInput, Posterior>[upward.Count];
        for (int l = 0; l < upward.Count; l++) _upward[l] = RegisterModule($"layer{l + 2}", upward[l]);
        _sizes = sizes.ToArray();
    }

    /// <summary>x → q(z_1|x).</summary>
    public Module<EncoderInput, Posterior> Bottom { get; }

    /// <summary>q(z_1, …, z_L | x) of the batch; the condition, if any, reaches the first layer only.</summary>
    public override Posterior Forward(EncoderInput input) => new HierarchicalPosterior(Bottom.Forward(input), _upward, _sizes);
}
