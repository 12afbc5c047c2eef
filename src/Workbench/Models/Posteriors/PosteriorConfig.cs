using System.Text.Json.Serialization;
using Workbench.Models.Parts;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Models.Posteriors;

/// <summary>
/// The posterior family of a configured model, as experiment files name it:
/// <c>"posterior": {"kind": "planar", "steps": 4}</c> or <c>{"kind": "iaf", "steps": 2, "hiddenSize": 320}</c>;
/// absent means the diagonal Gaussian. Builds the encoder that produces it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(DiagonalPosteriorConfig), "diagonal")]
[JsonDerivedType(typeof(PlanarFlowPosteriorConfig), "planar")]
[JsonDerivedType(typeof(InverseAutoregressiveFlowPosteriorConfig), "iaf")]
public abstract record PosteriorConfig
{
    /// <summary>The most flow steps a configuration may ask for.</summary>
    public const int MaxSteps = 64;

    /// <summary>The encoder over <paramref name="body"/> (features F wide) producing this family's posterior.</summary>
    public abstract GaussianEncoder BuildEncoder(Module<Tensor, Tensor> body, int features, int latentSize, int conditionSize, Rng rng, bool conditionAfterBody);

    /// <summary>Whether the posterior has a log-density at an arbitrary z (<see cref="Posterior.HasDensityEverywhere"/>).</summary>
    [JsonIgnore] public virtual bool HasDensityEverywhere => true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public virtual void Validate() { }

    /// <summary>The posterior in a few words, e.g. "planar flow, K=4".</summary>
    public abstract string Describe();

    protected static void RequireSteps(int steps)
    {
        if (steps < 1 || steps > MaxSteps) throw new ArgumentException($"posterior.steps: must be in [1, {MaxSteps}]; got {steps}.");
    }
}

/// <summary>N(μ, diag σ²), the default.</summary>
public sealed record DiagonalPosteriorConfig : PosteriorConfig
{
    public override GaussianEncoder BuildEncoder(Module<Tensor, Tensor> body, int features, int latentSize, int conditionSize, Rng rng, bool conditionAfterBody) =>
        new(body, features, latentSize, conditionSize, rng, conditionAfterBody);

    public override string Describe() => "diagonal Gaussian";
}

/// <summary>Planar flows (Rezende &amp; Mohamed 2015) with <see cref="Steps"/> steps.</summary>
public sealed record PlanarFlowPosteriorConfig(int Steps = 4) : PosteriorConfig
{
    public override GaussianEncoder BuildEncoder(Module<Tensor, Tensor> body, int features, int latentSize, int conditionSize, Rng rng, bool conditionAfterBody) =>
        new PlanarFlowEncoder(body, features, latentSize, conditionSize, Steps, rng, conditionAfterBody);

    [JsonIgnore] public override bool HasDensityEverywhere => false;

    public override void Validate() => RequireSteps(Steps);

    public override string Describe() => $"planar flow, K={Steps}";
}

/// <summary>Inverse autoregressive flow (Kingma et al. 2016) with <see cref="Steps"/> MADE steps of width <see cref="HiddenSize"/>.</summary>
public sealed record InverseAutoregressiveFlowPosteriorConfig(int Steps = 2, int HiddenSize = 320) : PosteriorConfig
{
    public override GaussianEncoder BuildEncoder(Module<Tensor, Tensor> body, int features, int latentSize, int conditionSize, Rng rng, bool conditionAfterBody) =>
        new InverseAutoregressiveFlowEncoder(body, features, latentSize, conditionSize, Steps, HiddenSize, rng, conditionAfterBody);

    [JsonIgnore] public override bool HasDensityEverywhere => false;

    public override void Validate()
    {
        RequireSteps(Steps);
        if (HiddenSize < 1 || HiddenSize > VaeConfig.MaxWidth) throw new ArgumentException($"posterior.hiddenSize: must be in [1, {VaeConfig.MaxWidth}]; got {HiddenSize}.");
    }

    public override string Describe() => $"inverse autoregressive flow, K={Steps}, hidden={HiddenSize}";
}
