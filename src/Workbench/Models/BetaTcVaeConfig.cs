using Workbench.Models.Objectives;

namespace Workbench.Models;

/// <summary>
/// β-TCVAE (Chen et al. 2018): the KL split into index-code MI, total correlation and dimension-wise KL,
/// weighted α, β, γ (<see cref="BetaTcVaeObjective"/>); the paper's setting is α = γ = 1 with β on the
/// total correlation.
/// </summary>
public record BetaTcVaeConfig : VaeConfig
{
    /// <summary>α, the weight of the index-code mutual information.</summary>
    public float Alpha { get; init; } = 1f;

    /// <summary>β, the weight of the total correlation.</summary>
    public float Beta { get; init; } = 6f;

    /// <summary>γ, the weight of the dimension-wise KL.</summary>
    public float Gamma { get; init; } = 1f;

    public override TrainingObjective BuildObjective() => new BetaTcVaeObjective(Alpha, Beta, Gamma);

    public override void Validate()
    {
        base.Validate();
        Require(float.IsFinite(Alpha) && Alpha >= 0, nameof(Alpha), $"must be a finite number ≥ 0 (got {Alpha})");
        Require(float.IsFinite(Beta) && Beta >= 0, nameof(Beta), $"must be a finite number ≥ 0 (got {Beta})");
        Require(float.IsFinite(Gamma) && Gamma >= 0, nameof(Gamma), $"must be a finite number ≥ 0 (got {Gamma})");
        Require(Objective == Objective.Elbo, nameof(Objective), $"beta-tcvae has its own objective; leave \"objective\" at elbo (got {Objective})");
        Require(Posterior is null || Posterior.HasDensityEverywhere, nameof(Posterior),
            $"beta-tcvae estimates the aggregate posterior from pairwise densities q(z_i|x_j), which the {Posterior?.Describe()} posterior does not have; use the diagonal posterior");
        Require(KlPenalty is null, nameof(KlPenalty), "beta-tcvae weighs the KL's terms by alpha, beta and gamma; remove klPenalty");
    }
}
