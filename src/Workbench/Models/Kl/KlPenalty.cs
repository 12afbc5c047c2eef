using System.Globalization;
using System.Text.Json.Serialization;
using Workbench.Tensors;

namespace Workbench.Models.Kl;

/// <summary>
/// How the KL enters the loss. Given the batch-mean KL per latent dimension, returns the penalty
/// (a scalar tensor added to the loss), the weight to report and, for capacity annealing, the target.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(WeightedKl), "weighted")]
[JsonDerivedType(typeof(FreeBits), "free-bits")]
[JsonDerivedType(typeof(CapacityAnnealing), "capacity")]
public abstract record KlPenalty
{
    /// <param name="klPerDimension">KL of each latent dimension averaged over the batch, (latent), nats; null when
    /// the prior/posterior pair has no per-dimension closed form (the KL is then a Monte-Carlo estimate).</param>
    /// <param name="klTerm">The KL per image averaged over the batch, scalar, nats.</param>
    /// <param name="progress">Where training is; null outside training (the final weight applies).</param>
    public abstract (Tensor Penalty, float Weight, float? Target) Apply(Tensor? klPerDimension, Tensor klTerm, TrainingProgress? progress);

    /// <summary>
    /// The KL weight β once training is done, as a run reports it; null where the penalty has no β
    /// (capacity annealing weighs |KL − C| by γ instead).
    /// </summary>
    public abstract double? FinalWeight { get; }

    /// <summary>How the KL enters the loss, in a few words (e.g. "linear warm-up to β=1 over 50 %").</summary>
    public abstract string Describe();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field (under <paramref name="field"/>) out of its range.</summary>
    public virtual void Validate(string field) { }
}

/// <summary>weight(t) · KL, with the weight from a <see cref="KlSchedule"/>.</summary>
public sealed record WeightedKl(KlSchedule Schedule) : KlPenalty
{
    public override (Tensor, float, float?) Apply(Tensor? klPerDimension, Tensor klTerm, TrainingProgress? progress)
    {
        float weight = progress is { } p ? Schedule.Weight(p) : Schedule.FinalWeight;
        return (klTerm * weight, weight, null);
    }

    public override double? FinalWeight => Schedule.FinalWeight;

    public override string Describe() => Schedule.Describe();

    public override void Validate(string field) => Schedule.Validate(field + ".schedule");
}

/// <summary>
/// Free bits (Kingma et al. 2016): each latent dimension pays at least <see cref="Lambda"/> nats,
/// Σ_d max(λ, KL_d) with KL_d averaged over the batch, so the optimiser gains nothing by pushing a
/// dimension's KL below λ. The weight from <see cref="Schedule"/> multiplies the whole sum.
/// </summary>
public sealed record FreeBits(float Lambda, KlSchedule Schedule) : KlPenalty
{
    public override (Tensor, float, float?) Apply(Tensor? klPerDimension, Tensor klTerm, TrainingProgress? progress)
    {
        if (klPerDimension is null)
            throw new InvalidOperationException("Free bits need the KL of each latent dimension, which this prior/posterior pair has no closed form for; use a weighted or capacity penalty.");
        float weight = progress is { } p ? Schedule.Weight(p) : Schedule.FinalWeight;
        // max(λ, KL_d) = KL_d clamped from below; its gradient is 0 for dimensions under λ.
        var floored = klPerDimension.Clamp(Lambda, float.MaxValue).Sum();
        return (floored * weight, weight, null);
    }

    public override double? FinalWeight => Schedule.FinalWeight;

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"free bits λ={Lambda:G3}, {Schedule.Describe()}");

    public override void Validate(string field)
    {
        KlChecks.NonNegative(field + ".lambda", Lambda);
        Schedule.Validate(field + ".schedule");
    }
}

/// <summary>
/// Capacity annealing (Burgess et al. 2018): γ · |KL − C| where the capacity C rises linearly from 0
/// to <see cref="MaxCapacity"/> nats over the first <see cref="RampFraction"/> of training.
/// </summary>
public sealed record CapacityAnnealing(float Gamma = 1000f, float MaxCapacity = 25f, double RampFraction = 1.0) : KlPenalty
{
    /// <summary>C at <paramref name="progress"/>, in nats.</summary>
    public float Capacity(TrainingProgress? progress) =>
        progress is { } p && RampFraction > 0 ? (float)(MaxCapacity * Math.Min(1.0, p.Fraction / RampFraction)) : MaxCapacity;

    public override (Tensor, float, float?) Apply(Tensor? klPerDimension, Tensor klTerm, TrainingProgress? progress)
    {
        float capacity = Capacity(progress);
        return ((klTerm - capacity).Abs() * Gamma, Gamma, capacity);
    }

    public override double? FinalWeight => null;

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"capacity γ={Gamma:G3}, C→{MaxCapacity:G3} nats");

    public override void Validate(string field)
    {
        KlChecks.NonNegative(field + ".gamma", Gamma);
        KlChecks.NonNegative(field + ".maxCapacity", MaxCapacity);
        KlChecks.InRange(field + ".rampFraction", RampFraction, 0, 1);
    }
}
