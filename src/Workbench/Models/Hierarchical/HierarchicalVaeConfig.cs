using System.Text.Json.Serialization;
using Workbench.Models.Parts;
using Workbench.Models.Posteriors;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Hierarchical;

/// <summary>One stochastic layer of a hierarchical VAE: the hidden widths of its networks and its latent size.</summary>
/// <param name="HiddenSizes">Widths of the deterministic layers between the layer below (the image, for the first) and this one; the generative network mirrors them.</param>
/// <param name="LatentSize">Dimensions of this layer's z_l.</param>
public sealed record HierarchicalLayer(int[] HiddenSizes, int LatentSize);

/// <summary>
/// A VAE with several stochastic layers (Burda et al. 2016, section 5): q(z_1|x) Π q(z_l|z_{l−1}) against
/// p(z_L) Π p(z_l|z_{l+1}) p(x|z_1). Layer l's networks are MLPs of its <see cref="HierarchicalLayer.HiddenSizes"/>
/// upward and of the same widths reversed downward. The default is the IWAE paper's two-layer
/// architecture, 784-(200,200)-100-(100,100)-50 with tanh hidden units; one layer [{(200,200), 50}] is
/// its one-layer model. <see cref="VaeConfig.LatentSize"/> is the sum of the layers' sizes and
/// <see cref="VaeConfig.HiddenSizes"/> the first layer's widths, both set from <see cref="Layers"/>.
/// Every objective of <see cref="VaeConfig"/> applies (the ELBO with a Monte-Carlo KL, the
/// importance-weighted objective with <see cref="VaeConfig.Samples"/>).
/// </summary>
public record HierarchicalVaeConfig : VaeConfig
{
    /// <summary>The IWAE paper's two stochastic layers: 784-(200,200)-100-(100,100)-50.</summary>
    public static HierarchicalLayer[] TwoLayers => [new([200, 200], 100), new([100, 100], 50)];

    /// <summary>The IWAE paper's one stochastic layer: 784-(200,200)-50.</summary>
    public static HierarchicalLayer[] OneLayer => [new([200, 200], 50)];

    private HierarchicalLayer[] _layers = [];

    /// <summary>The IWAE paper's two-layer model with tanh hidden units.</summary>
    public HierarchicalVaeConfig()
    {
        Layers = TwoLayers;
        Activation = "tanh";
    }

    /// <summary>The stochastic layers from the image upward; setting them sets LatentSize (their sum) and HiddenSizes (the first layer's).</summary>
    public HierarchicalLayer[] Layers
    {
        get => _layers;
        init
        {
            _layers = value ?? [];
            if (_layers.Length == 0 || _layers.Any(l => l is null || l.HiddenSizes is null)) return; // Validate names the problem
            LatentSize = _layers.Sum(l => l.LatentSize);
            HiddenSizes = _layers[0].HiddenSizes;
        }
    }

    /// <summary>latent_1, …, latent_L.</summary>
    [JsonIgnore] public int[] LayerSizes => Layers.Select(l => l.LatentSize).ToArray();

    /// <summary>
    /// Composes the hierarchy. Parameters are drawn in the order: layer 1's encoder body and heads, the
    /// upper layers' encoders, the decoder p(x|z_1), then the prior's downward networks from the top.
    /// </summary>
    public override VariationalAutoencoder Build(Rng rng)
    {
        Validate();
        int conditionSize = Conditioning.Size;
        var sizes = LayerSizes;
        var (body, features) = Networks.EncoderBody(WithHidden(Layers[0].HiddenSizes), Pixels + conditionSize, rng);
        var bottom = new GaussianEncoder(body, features, sizes[0], conditionSize, rng);
        var upward = new List<Module<EncoderInput, Posterior>>();
        for (int l = 1; l < Layers.Length; l++) upward.Add(GaussianNetwork(Layers[l].HiddenSizes, sizes[l - 1], sizes[l], rng));
        var encoder = new HierarchicalEncoder(bottom, upward, sizes);
        var decoder = new FirstLayerDecoder(Networks.Decoder(WithHidden(Layers[0].HiddenSizes), sizes[0] + conditionSize, rng), sizes[0]);
        var downward = new Module<EncoderInput, Posterior>[Layers.Length - 1];
        for (int l = Layers.Length - 1; l >= 1; l--)                                           // p(z_l | z_{l+1}), 0-based l − 1
            downward[l - 1] = GaussianNetwork(Layers[l].HiddenSizes.Reverse().ToArray(), sizes[l], sizes[l - 1], rng);
        var prior = new HierarchicalPrior(sizes, downward);
        var likelihood = Likelihoods.Likelihood.Create(Likelihood, Pixels, GaussianSigma);
        return new VariationalAutoencoder(encoder, decoder, LatentSize, ImageHeight, ImageWidth, prior, likelihood, BuildObjective(), Conditioning, this, ImageChannels);
    }

    /// <summary>An MLP of the given widths with μ and log σ² heads: (N, input) → N(μ, diag σ²) over <paramref name="output"/> dimensions.</summary>
    private GaussianEncoder GaussianNetwork(int[] hidden, int input, int output, Rng rng)
    {
        var (body, features) = Networks.EncoderBody(WithHidden(hidden), input, rng);
        return new GaussianEncoder(body, features, output, conditionSize: 0, rng);
    }

    private VaeConfig WithHidden(int[] hidden) => new VaeConfig { HiddenSizes = hidden, Activation = Activation, Dropout = Dropout, ImageChannels = ImageChannels, ImageHeight = ImageHeight, ImageWidth = ImageWidth };

    public override string DescribePrior() => $"hierarchical prior over {Layers.Length} stochastic layers [{string.Join(", ", LayerSizes)}]";

    public override void Validate()
    {
        Require(Layers.Length is >= 1 and <= MaxLayers, nameof(Layers), $"needs between 1 and {MaxLayers} stochastic layers (got {Layers.Length})");
        for (int l = 0; l < Layers.Length; l++)
        {
            var layer = Layers[l];
            Require(layer is not null && layer.HiddenSizes is not null, $"layers[{l}]", "needs hiddenSizes (a list of widths) and latentSize");
            Require(layer!.LatentSize is > 0 and <= MaxWidth, $"layers[{l}].latentSize", $"must be between 1 and {MaxWidth} (got {layer.LatentSize})");
            Require(layer.HiddenSizes!.Length > 0 && layer.HiddenSizes.All(h => h is > 0 and <= MaxWidth), $"layers[{l}].hiddenSizes",
                $"needs at least one width, each between 1 and {MaxWidth} (got [{string.Join(", ", layer.HiddenSizes)}])");
        }
        Require(LatentSize == Layers.Sum(l => l.LatentSize), nameof(LatentSize), $"is the sum of the layers' latent sizes ({Layers.Sum(l => l.LatentSize)}) for hierarchical-vae; leave it out (got {LatentSize})");
        Require(HiddenSizes.SequenceEqual(Layers[0].HiddenSizes), nameof(HiddenSizes), "is the first layer's hiddenSizes for hierarchical-vae; leave it out and set layers[0].hiddenSizes");
        Require(Prior is null, nameof(Prior), "hierarchical-vae has its own prior, N(0, I) on the top layer and a learned Gaussian p(z_l | z_l+1) below; remove prior");
        Require(Architecture == Architecture.Mlp, nameof(Architecture), $"hierarchical-vae is built from MLPs; leave architecture at mlp (got {Architecture})");
        base.Validate();
    }

    /// <summary>Most stochastic layers a configuration may ask for.</summary>
    public const int MaxLayers = 16;
}
