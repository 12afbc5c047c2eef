using System.Text.Json.Serialization;
using Workbench.Tensors;

namespace Workbench.Models.Priors;

/// <summary>The prior of a configured model, as experiment files name it: <c>"prior": {"kind": "vamp", "components": 500}</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(StandardNormalPriorConfig), "standard-normal")]
[JsonDerivedType(typeof(VampPriorConfig), "vamp")]
public abstract record PriorConfig
{
    /// <summary>Builds the prior for a model with <paramref name="latentSize"/> dimensions and images of <paramref name="pixels"/> pixels.</summary>
    public abstract Prior Build(int latentSize, int pixels, Rng rng);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public virtual void Validate() { }

    /// <summary>The prior in a few words, e.g. "VampPrior, K=500".</summary>
    public abstract string Describe();
}

/// <summary>N(0, I), the default.</summary>
public sealed record StandardNormalPriorConfig : PriorConfig
{
    public override Prior Build(int latentSize, int pixels, Rng rng) => new StandardNormalPrior(latentSize);

    public override string Describe() => "N(0, I) prior";
}

/// <summary>The VampPrior (Tomczak &amp; Welling 2018) with <see cref="Components"/> pseudo-inputs.</summary>
public sealed record VampPriorConfig(int Components = 500) : PriorConfig
{
    /// <summary>The most pseudo-inputs a configuration may ask for.</summary>
    public const int MaxComponents = 100_000;

    public override Prior Build(int latentSize, int pixels, Rng rng) => new VampPrior(Components, pixels, rng);

    public override string Describe() => $"VampPrior, K={Components}";

    public override void Validate()
    {
        if (Components < 1 || Components > MaxComponents)
            throw new ArgumentException($"prior.components: must be in [1, {MaxComponents}]; got {Components}.");
    }
}
