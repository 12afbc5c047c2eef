using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Hierarchical;

/// <summary>
/// The posterior of a VAE with L stochastic layers (Burda et al. 2016, section 5; Rezende et al. 2014):
/// q(z_1, …, z_L | x) = q(z_1|x) Π_{l≥2} q(z_l | z_{l−1}), every factor a diagonal Gaussian. The model's
/// latent is the concatenation [z_1, …, z_L] (B, Σ_l latent_l), so the ELBO, its Monte-Carlo KL, the
/// importance-weighted objective and bound work on it unchanged. Sampling is ancestral: ε is split by
/// columns into one block per layer, z_1 = μ_1(x) + σ_1(x) ε_1, then z_l = μ_l(z_{l−1}) + σ_l(z_{l−1}) ε_l,
/// reparameterized throughout. Its density exists everywhere, the sum of the layers' Gaussian log-densities.
/// </summary>
/// <remarks>
/// Only q(z_1|x) depends on the image; the upper conditionals are networks of the sampled z_{l−1}. So
/// <see cref="GatherRows"/> gathers the first layer's μ and log σ² and keeps the networks: the upper
/// layers run when a sample is drawn, for the sampled rows.
/// </remarks>
public sealed class HierarchicalPosterior : Posterior
{
    private readonly IReadOnlyList<Module<EncoderInput, Posterior>> _upward;
    private readonly int[] _sizes;

    // The conditionals q(z_l | z_{l−1}) of the last sample, so LogDensity at that very sample (what the
    // ELBO and the importance weights ask for next) does not run the upper networks a second time.
    private Tensor? _lastSample;
    private Posterior[]? _lastConditionals;

    /// <param name="bottom">q(z_1|x), one row per image. (B, latent_1)</param>
    /// <param name="upward">For l = 2 … L, the network z_{l−1} (B, latent_{l−1}) → q(z_l | z_{l−1}) over latent_l dimensions.</param>
    /// <param name="sizes">latent_1, …, latent_L.</param>
    public HierarchicalPosterior(Posterior bottom, IReadOnlyList<Module<EncoderInput, Posterior>> upward, IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(bottom);
        ArgumentNullException.ThrowIfNull(upward);
        if (sizes.Count != upward.Count + 1)
            throw new ArgumentException($"A hierarchy of {sizes.Count} stochastic layers needs {sizes.Count - 1} upward networks; got {upward.Count}.");
        if (bottom.LatentSize != sizes[0])
            throw new ArgumentException($"q(z_1|x) has {bottom.LatentSize} dimensions but the first layer has {sizes[0]}.");
        Bottom = bottom;
        _upward = upward;
        _sizes = sizes.ToArray();
    }

    /// <summary>q(z_1|x). (B, latent_1)</summary>
    public Posterior Bottom { get; }

    /// <summary>latent_1, …, latent_L: the column blocks of z.</summary>
    public IReadOnlyList<int> LayerSizes => _sizes;

    public override int Count => Bottom.Count;

    public override int LatentSize => _sizes.Sum();

    /// <summary>
    /// The mean path [μ_1(x), μ_2(μ_1(x)), …]: each layer's conditional mean at the layer below's mean
    /// (exact for z_1; for upper layers the conditional mean at z_{l−1} = E[z_{l−1}], not E[z_l], which has
    /// no closed form). Reconstructions and active units read it. (B, latent)
    /// </summary>
    public override Tensor Mean => Tensor.Concat(MeanPath().Select(q => q.Mean).ToArray(), 1);

    /// <summary>Each layer's conditional σ along the mean path (see <see cref="Mean"/>). (B, latent)</summary>
    public override Tensor StandardDeviation => Tensor.Concat(MeanPath().Select(q => q.StandardDeviation).ToArray(), 1);

    /// <summary>Ancestral reparameterized sample [z_1, …, z_L] from ε (B, latent), split into one column block per layer.</summary>
    public override Tensor Sample(Tensor noise)
    {
        if (noise.Rank != 2 || noise.Dim(0) != Count || noise.Dim(1) != LatentSize)
            throw new ArgumentException($"The noise ε must have shape ({Count}, {LatentSize}) (B, latent); got {Tensor.ShapeText(noise.Dims)}.");
        var conditionals = new Posterior[_sizes.Length - 1];
        var layers = new Tensor[_sizes.Length];
        int start = 0;
        for (int l = 0; l < _sizes.Length; l++)
        {
            var epsilon = noise.Narrow(1, start, _sizes[l]);                                   // (B, latent_l)
            var q = l == 0 ? Bottom : conditionals[l - 1] = _upward[l - 1].Forward(new EncoderInput(layers[l - 1]));
            layers[l] = q.Sample(epsilon);
            start += _sizes[l];
        }
        var z = Tensor.Concat(layers, 1);                                                      // (B, latent)
        (_lastSample, _lastConditionals) = (z, conditionals);
        return z;
    }

    /// <summary>log q(z_1|x) + Σ_{l≥2} log q(z_l | z_{l−1}) of each row. (B, latent) → (B), nats.</summary>
    public override Tensor LogDensity(Tensor z)
    {
        if (z.Rank != 2 || z.Dim(0) != Count || z.Dim(1) != LatentSize)
            throw new ArgumentException($"z must have shape ({Count}, {LatentSize}) (B, latent); got {Tensor.ShapeText(z.Dims)}.");
        var layers = Split(z);
        var cached = ReferenceEquals(z, _lastSample) ? _lastConditionals : null;
        var total = Bottom.LogDensity(layers[0]);
        for (int l = 1; l < layers.Length; l++)
        {
            var q = cached?[l - 1] ?? _upward[l - 1].Forward(new EncoderInput(layers[l - 1]));
            total = total + q.LogDensity(layers[l]);
        }
        return total;
    }

    /// <summary>The rows' first-layer posteriors, with the same upward networks.</summary>
    public override Posterior GatherRows(ReadOnlySpan<int> rows) => new HierarchicalPosterior(Bottom.GatherRows(rows), _upward, _sizes);

    /// <summary>z (B, latent) cut into its layers [z_1, …, z_L].</summary>
    public Tensor[] Split(Tensor z) => HierarchyColumns.Split(z, _sizes);

    private List<Posterior> MeanPath()
    {
        var path = new List<Posterior> { Bottom };
        for (int l = 1; l < _sizes.Length; l++) path.Add(_upward[l - 1].Forward(new EncoderInput(path[^1].Mean)));
        return path;
    }
}
