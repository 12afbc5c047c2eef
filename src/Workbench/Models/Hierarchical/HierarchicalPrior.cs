using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.Models.Priors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Hierarchical;

/// <summary>
/// The prior of a VAE with L stochastic layers (Burda et al. 2016, section 5): p(z_1, …, z_L) =
/// p(z_L) Π_{l&lt;L} p(z_l | z_{l+1}), p(z_L) = N(0, I) and every conditional a diagonal Gaussian whose μ
/// and log σ² a network reads from the layer above. Its parameters (the downward networks) train with
/// the model, under "prior.". It has no closed-form KL against the hierarchical posterior: the model
/// estimates the KL by Monte Carlo, log q(z|x) − log p(z) at the posterior's sample.
/// </summary>
public sealed class HierarchicalPrior : Prior
{
    private static readonly float HalfLogTwoPi = 0.5f * MathF.Log(2 * MathF.PI);
    private readonly int[] _sizes;
    private readonly Module<EncoderInput, Posterior>[] _downward;

    /// <param name="sizes">latent_1, …, latent_L.</param>
    /// <param name="downward">For l = 1 … L − 1, the network z_{l+1} (N, latent_{l+1}) → p(z_l | z_{l+1}) over latent_l dimensions; registered as "down1", "down2", ….</param>
    public HierarchicalPrior(IReadOnlyList<int> sizes, IReadOnlyList<Module<EncoderInput, Posterior>> downward)
    {
        if (sizes.Count < 1 || sizes.Any(s => s < 1)) throw new ArgumentException($"Every stochastic layer needs at least one dimension; got [{string.Join(", ", sizes)}].");
        if (downward.Count != sizes.Count - 1)
            throw new ArgumentException($"A hierarchy of {sizes.Count} stochastic layers needs {sizes.Count - 1} downward networks; got {downward.Count}.");
        _sizes = sizes.ToArray();
        _downward = new Module<EncoderInput, Posterior>[downward.Count];
        for (int l = 0; l < downward.Count; l++) _downward[l] = RegisterModule($"down{l + 1}", downward[l]);
    }

    /// <summary>latent_1, …, latent_L.</summary>
    public IReadOnlyList<int> LayerSizes => _sizes;

    /// <summary>p(z_l | z_{l+1}) for the rows of z_{l+1} (N, latent_{l+1}); <paramref name="layer"/> is l, 1-based, below L.</summary>
    public Posterior Conditional(int layer, Tensor above) => _downward[layer - 1].Forward(new EncoderInput(above));

    /// <summary>log N(z_L; 0, I) + Σ_{l&lt;L} log p(z_l | z_{l+1}) of each row. (N, latent) → (N), nats.</summary>
    public override Tensor LogDensity(Tensor z)
    {
        var layers = HierarchyColumns.Split(z, _sizes);
        var top = layers[^1];
        var total = top.Square().Sum(1) * -0.5f - HalfLogTwoPi * top.Dim(1);
        for (int l = layers.Length - 2; l >= 0; l--) total = total + Conditional(l + 1, layers[l + 1]).LogDensity(layers[l]);
        return total;
    }

    /// <summary>Ancestral sampling: z_L ~ N(0, I), then z_l ~ p(z_l | z_{l+1}) down to z_1; returns [z_1, …, z_L]. (count, latent)</summary>
    public override Tensor Sample(int count, Rng rng)
    {
        using var _ = GradMode.NoGrad();
        var layers = new Tensor[_sizes.Length];
        layers[^1] = Tensor.Randn(rng, count, _sizes[^1]);
        for (int l = _sizes.Length - 2; l >= 0; l--)
            layers[l] = Conditional(l + 1, layers[l + 1]).Sample(Tensor.Randn(rng, count, _sizes[l]));
        return Tensor.Concat(layers, 1);
    }

    protected override string ExtraRepr() => $"layers=[{string.Join(", ", _sizes)}]";
}
