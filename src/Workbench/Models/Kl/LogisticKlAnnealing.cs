using System.Globalization;

namespace Workbench.Models.Kl;

/// <summary>
/// Logistic KL annealing of Bowman et al. (2016, "Generating sentences from a continuous space"): at optimizer step t
/// the weight is β / (1 + exp(−k·(t − x₀))), near 0 at the start, β/2 at step x₀, near β after it. Unlike
/// <see cref="LinearWarmup"/> it is set in steps, not in a fraction of training, as in the paper.
/// </summary>
/// <param name="Beta">The weight it tends to.</param>
/// <param name="K">Steepness k, per step (Bowman et al.'s code: 0.0025).</param>
/// <param name="X0">The step at which the weight is β/2 (Bowman et al.'s code: 2500).</param>
public sealed record LogisticKlAnnealing(float Beta = 1f, double K = 0.0025, double X0 = 2500) : KlSchedule
{
    public override float Weight(TrainingProgress progress) => (float)(Beta / (1 + Math.Exp(-K * (progress.Step - X0))));

    public override float FinalWeight => Beta;

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"logistic annealing to β={Beta:G3}, k={K:G3}, x0={X0:G6} steps");

    public override void Validate(string field)
    {
        KlChecks.NonNegative(field + ".beta", Beta);
        KlChecks.InRange(field + ".k", K, 0, 1e6);
        KlChecks.NonNegative(field + ".x0", X0);
    }
}
