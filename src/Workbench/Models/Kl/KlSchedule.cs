using System.Globalization;
using System.Text.Json.Serialization;

namespace Workbench.Models.Kl;

/// <summary>How the KL weight changes over training. The weight at the end of training is <see cref="FinalWeight"/>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ConstantKlWeight), "constant")]
[JsonDerivedType(typeof(LinearWarmup), "linear-warmup")]
[JsonDerivedType(typeof(CyclicalAnnealing), "cyclical")]
[JsonDerivedType(typeof(LogisticKlAnnealing), "logistic")]
public abstract record KlSchedule
{
    /// <summary>The KL weight for the step at <paramref name="progress"/>.</summary>
    public abstract float Weight(TrainingProgress progress);

    /// <summary>The weight once training is done (used for evaluation of the training objective).</summary>
    public abstract float FinalWeight { get; }

    /// <summary>The schedule in a few words, e.g. "constant β=4".</summary>
    public abstract string Describe();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field (under <paramref name="field"/>) out of its range.</summary>
    public virtual void Validate(string field) { }
}

/// <summary>A constant weight β: β = 1 is the VAE (Kingma &amp; Welling 2014), β &gt; 1 the β-VAE (Higgins et al. 2017).</summary>
public sealed record ConstantKlWeight(float Beta = 1f) : KlSchedule
{
    public override float Weight(TrainingProgress progress) => Beta;
    public override float FinalWeight => Beta;
    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"constant β={Beta:G3}");
    public override void Validate(string field) => KlChecks.NonNegative(field + ".beta", Beta);
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

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"linear warm-up to β={Beta:G3} over {WarmupFraction:P0}");
    public override void Validate(string field)
    {
        KlChecks.NonNegative(field + ".beta", Beta);
        KlChecks.InRange(field + ".warmupFraction", WarmupFraction, 0, 1);
    }
}

/// <summary>
/// Cyclical annealing (Fu et al. 2019): training splits into <see cref="Cycles"/> equal cycles; in
/// each, the weight rises linearly from 0 to β over the first <see cref="Ratio"/> of the cycle, then
/// holds at β.
/// </summary>
/// <remarks>
/// Steps are discretised as in the paper's reference code: with T steps and period T/M, cycle c
/// starts at step ⌊c·T/M⌋ (weight exactly 0 there even when T/M is not a whole number) and the
/// weight i steps into it is β·min(1, i / (R·T/M)).
/// </remarks>
public sealed record CyclicalAnnealing(float Beta = 1f, int Cycles = 4, double Ratio = 0.5) : KlSchedule
{
    public override float Weight(TrainingProgress progress)
    {
        long total = progress.TotalSteps, step = progress.Step;
        if (total <= 0 || step < 0 || step >= total) return Beta;
        long cycles = Math.Max(1, Cycles);
        // The last cycle c with ⌊c·T/M⌋ ≤ step, i.e. c < (step + 1)·M/T.
        long cycle = ((step + 1) * cycles + total - 1) / total - 1;
        long cycleStart = cycle * total / cycles;
        double rampSteps = Ratio * total / cycles;
        double stepsIntoCycle = step - cycleStart;
        return stepsIntoCycle >= rampSteps ? Beta : (float)(Beta * stepsIntoCycle / rampSteps);
    }

    public override float FinalWeight => Beta;

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"cyclical β={Beta:G3}, {Cycles} cycles, ratio {Ratio:G2}");
    public override void Validate(string field)
    {
        KlChecks.NonNegative(field + ".beta", Beta);
        KlChecks.InRange(field + ".cycles", Cycles, 1, 1_000_000);
        KlChecks.InRange(field + ".ratio", Ratio, 0, 1);
    }
}
