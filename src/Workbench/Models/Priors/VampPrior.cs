using Workbench.Models.Posteriors;
using Workbench.Tensors;

namespace Workbench.Models.Priors;

/// <summary>
/// The VampPrior (Tomczak &amp; Welling 2018): p(z) = (1/K) Σ_k q(z | u_k), the mixture of the
/// encoder's posteriors at K learned pseudo-inputs u_k. The pseudo-inputs are images (B, D) trained
/// with the model; as in the paper's code they pass through hardtanh(0, 1), so they stay in the pixel
/// range, and start near 0.05 (N(0.05, 0.01²)).
/// </summary>
/// <remarks>Its KL against q(z|x) has no closed form: the model estimates it by Monte Carlo.</remarks>
public sealed class VampPrior : Prior
{
    private VariationalAutoencoder? _model;

    /// <param name="components">K, the number of pseudo-inputs.</param>
    /// <param name="pixels">D, the size of a flattened image.</param>
    public VampPrior(int components, int pixels, Rng rng)
    {
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "The VampPrior needs at least one pseudo-input.");
        var initial = Tensor.Randn(rng, components, pixels) * 0.01f + 0.05f;
        PseudoInputs = RegisterParameter("pseudo_inputs", initial); // (K, D)
    }

    /// <summary>The trainable u_k before the hardtanh. (K, D)</summary>
    public Tensor PseudoInputs { get; }

    /// <summary>K.</summary>
    public int Components => PseudoInputs.Dim(0);

    /// <summary>The pseudo-inputs as images, in [0, 1]. (K, D)</summary>
    public Tensor Images => PseudoInputs.Clamp(0f, 1f);

    /// <summary>log (1/K) Σ_k q(z | u_k), the pseudo-inputs encoded once per call. (N, latent) → (N)</summary>
    public override Tensor LogDensity(Tensor z) =>
        Model.Encode(Images).PairwiseLogDensity(z).LogSumExp(1) - MathF.Log(Components);

    /// <summary>Picks a pseudo-input uniformly for each draw, then samples its posterior.</summary>
    public override Tensor Sample(int count, Rng rng)
    {
        using var _ = GradMode.NoGrad();
        var components = Model.Encode(Images);
        var chosen = new int[count];
        for (int i = 0; i < count; i++) chosen[i] = rng.NextInt(Components);
        return components.GatherRows(chosen).Sample(Tensor.Randn(rng, count, components.LatentSize));
    }

    protected internal override void Attach(VariationalAutoencoder model)
    {
        if (model.Conditioning.IsConditional)
            throw new ArgumentException("The VampPrior is defined for unconditional models: its pseudo-inputs carry no class label.");
        if (model.Pixels != PseudoInputs.Dim(1))
            throw new ArgumentException($"The VampPrior's pseudo-inputs have {PseudoInputs.Dim(1)} pixels but the model's images have {model.Pixels}.");
        _model = model;
    }

    private VariationalAutoencoder Model => _model ?? throw new InvalidOperationException("The VampPrior is used through the model it belongs to: pass it to a VariationalAutoencoder first.");

    protected override string ExtraRepr() => $"components={Components}, pixels={PseudoInputs.Dim(1)}";
}
