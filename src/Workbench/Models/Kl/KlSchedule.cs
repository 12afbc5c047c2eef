using System.Text.Json.Serialization;

namespace Workbench.Models.Kl;

/// <summary>How the KL weight changes over training. The weight at the end of training is <see cref="FinalWeight"/>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ConstantKlWeight), "constant")]
[JsonDerivedType(typeof(LinearWarmup), "linear-warmup")]
[JsonDerivedType(typeof(CyclicalAnnealing), "cyclical")]
public abstract record KlSchedule
{
    /// <summary>The KL weight for the step at <paramref name="progress"/>.</summary>
    public abstract float Weight(TrainingProgress progress);

    /// <summary>The weight once training is done (used for evaluation of the training objective).</summary>
    public abstract float FinalWeight { get; }
}

/// <summary>A constant weight β: β = 1 is the VAE (Kingma &amp; Welling 2014), β &gt; 1 the β-VAE (Higgins et al. 2017).</summary>
public sealed record ConstantKlWeight(float Beta = 1f) : KlSchedule
{
    public override float Weight(TrainingProgress progress) => Beta;
    public override float FinalWeight => Beta;
}

/// <summary>
/// Linear warm-up (Bowman et al. 2016; Sønderby et al. 2016): the weight rises from 0 to β over the
/// first <see cref="WarmupFraction"/> of training, then stays at β.
/// </summary>
public sealed record LinearWarmup(float Beta = 1f, double WarmupFraction = 0.3) : KlSchedule
{
    public override float Weight(TrainingProgress progress) =>
        WarmupFraction <= 0 ? Beta : (float)(Beta * Math.Min(1.0, progress.Fraction / WarmupFraction));

    public override float FinalWeight => Beta;
}

/// <summary>
/// Cyclical annealing (Fu et al. 2019): training splits into <see cref="Cycles"/> equal cycles; in
/// each, the weight rises linearly from 0 to β over the first <see cref="Ratio"/> of the cycle, then
/// holds at β.
/// </summary>
public sealed record CyclicalAnnealing(float Beta = 1f, int Cycles = 4, double Ratio = 0.5) : KlSchedule
{
    public override float Weight(TrainingProgress progress)
    {
        if (progress.TotalSteps <= 0) return Beta;
        double cycleLength = (double)progress.TotalSteps / Math.Max(1, Cycles);
        double positionInCycle = (progress.Step % cycleLength) / cycleLength; // τ in [0, 1)
        return positionInCycle >= Ratio ? Beta : (float)(Beta * positionInCycle / Ratio);
    }

    public override float FinalWeight => Beta;
}
