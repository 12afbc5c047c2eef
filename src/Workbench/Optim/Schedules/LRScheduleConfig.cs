using System.Globalization;
using System.Text.Json.Serialization;

namespace Workbench.Optim.Schedules;

/// <summary>
/// The learning-rate schedule of a configured run, stepped once per epoch:
/// <c>"learningRateSchedule": {"kind": "cosine", "warmupEpochs": 5}</c>. A schedule with <see cref="WarmupEpochs"/> &gt; 0
/// runs PyTorch's <c>SequentialLR([LinearLR(warmupStartFactor, 1, warmupEpochs), schedule], [warmupEpochs])</c>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(StepLRConfig), "step")]
[JsonDerivedType(typeof(MultiStepLRConfig), "multi-step")]
[JsonDerivedType(typeof(ExponentialLRConfig), "exponential")]
[JsonDerivedType(typeof(CosineAnnealingLRConfig), "cosine")]
[JsonDerivedType(typeof(LinearLRConfig), "linear")]
[JsonDerivedType(typeof(ReduceLROnPlateauConfig), "plateau")]
public abstract record LRScheduleConfig
{
    /// <summary>Epochs of linear warm-up before the schedule (0: none).</summary>
    public int WarmupEpochs { get; init; }

    /// <summary>The warm-up's first factor on the learning rate (it then rises linearly to 1).</summary>
    public double WarmupStartFactor { get; init; } = 0.1;

    /// <summary>The schedule over <paramref name="optimizer"/> for a run of <paramref name="epochs"/> epochs.</summary>
    public LRScheduler Build(Optimizer optimizer, int epochs)
    {
        if (WarmupEpochs == 0) return BuildSchedule(optimizer, epochs);
        var warmup = new LinearLR(optimizer, WarmupStartFactor, 1.0, WarmupEpochs);
        var schedule = BuildSchedule(optimizer, Math.Max(1, epochs - WarmupEpochs));
        return new SequentialLR(optimizer, [warmup, schedule], [WarmupEpochs]);
    }

    /// <summary>The schedule alone, for the <paramref name="epochs"/> that follow the warm-up.</summary>
    protected abstract LRScheduler BuildSchedule(Optimizer optimizer, int epochs);

    /// <summary>Throws <see cref="ArgumentException"/> "field: problem" naming the first field (under <paramref name="field"/>) out of its range.</summary>
    public virtual void Validate(string field)
    {
        ConfigChecks.IntegerInRange(field + ".warmupEpochs", WarmupEpochs, 0, MaxEpochs);
        ConfigChecks.InRange(field + ".warmupStartFactor", WarmupStartFactor, double.Epsilon, 1);
    }

    /// <summary>The schedule in a few words.</summary>
    public abstract string Describe();

    /// <summary>The kinds experiment files may name, in declaration order.</summary>
    public static string[] Kinds =>
        typeof(LRScheduleConfig).GetCustomAttributes(typeof(JsonDerivedTypeAttribute), false)
            .Cast<JsonDerivedTypeAttribute>().Select(a => (string)a.TypeDiscriminator!).ToArray();

    private protected string WarmupText => WarmupEpochs == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" after {WarmupEpochs} warm-up epochs from ×{WarmupStartFactor:G3}");

    private protected const int MaxEpochs = 1_000_000;
}

/// <summary><see cref="StepLR"/>: ×gamma every stepSize epochs.</summary>
public sealed record StepLRConfig : LRScheduleConfig
{
    public int StepSize { get; init; } = 10;
    public double Gamma { get; init; } = 0.1;

    protected override LRScheduler BuildSchedule(Optimizer optimizer, int epochs) => new StepLR(optimizer, StepSize, Gamma);

    public override void Validate(string field)
    {
        base.Validate(field);
        ConfigChecks.IntegerInRange(field + ".stepSize", StepSize, 1, MaxEpochs);
        ConfigChecks.InRange(field + ".gamma", Gamma, 0, 1);
    }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"×{Gamma:G3} every {StepSize} epochs{WarmupText}");
}

/// <summary><see cref="MultiStepLR"/>: ×gamma at each milestone epoch.</summary>
public sealed record MultiStepLRConfig : LRScheduleConfig
{
    public int[] Milestones { get; init; } = [];
    public double Gamma { get; init; } = 0.1;

    protected override LRScheduler BuildSchedule(Optimizer optimizer, int epochs) => new MultiStepLR(optimizer, Milestones, Gamma);

    public override void Validate(string field)
    {
        base.Validate(field);
        if (Milestones is null || Milestones.Length == 0) throw new ArgumentException($"{field}.milestones: needs at least one epoch.");
        foreach (int m in Milestones) ConfigChecks.IntegerInRange(field + ".milestones", m, 1, MaxEpochs);
        ConfigChecks.InRange(field + ".gamma", Gamma, 0, 1);
    }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"×{Gamma:G3} at epochs {string.Join(", ", Milestones)}{WarmupText}");
}

/// <summary><see cref="ExponentialLR"/>: ×gamma every epoch.</summary>
public sealed record ExponentialLRConfig : LRScheduleConfig
{
    public double Gamma { get; init; } = 0.95;

    protected override LRScheduler BuildSchedule(Optimizer optimizer, int epochs) => new ExponentialLR(optimizer, Gamma);

    public override void Validate(string field)
    {
        base.Validate(field);
        ConfigChecks.InRange(field + ".gamma", Gamma, 0, 1);
    }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"×{Gamma:G3} every epoch{WarmupText}");
}

/// <summary><see cref="CosineAnnealingLR"/>: cosine from the learning rate to etaMin over tMax epochs (null: the epochs after the warm-up).</summary>
public sealed record CosineAnnealingLRConfig : LRScheduleConfig
{
    public int? TMax { get; init; }
    public double EtaMin { get; init; }

    protected override LRScheduler BuildSchedule(Optimizer optimizer, int epochs) => new CosineAnnealingLR(optimizer, TMax ?? epochs, EtaMin);

    public override void Validate(string field)
    {
        base.Validate(field);
        if (TMax is { } t) ConfigChecks.IntegerInRange(field + ".tMax", t, 1, MaxEpochs);
        ConfigChecks.InRange(field + ".etaMin", EtaMin, 0, 10);
    }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"cosine to {EtaMin:G3} over {(TMax is { } t ? $"{t} epochs" : "the run")}{WarmupText}");
}

/// <summary><see cref="LinearLR"/>: the factor moves linearly from startFactor to endFactor over totalIters epochs.</summary>
public sealed record LinearLRConfig : LRScheduleConfig
{
    public double StartFactor { get; init; } = 1.0 / 3;
    public double EndFactor { get; init; } = 1.0;
    public int TotalIters { get; init; } = 5;

    protected override LRScheduler BuildSchedule(Optimizer optimizer, int epochs) => new LinearLR(optimizer, StartFactor, EndFactor, TotalIters);

    public override void Validate(string field)
    {
        base.Validate(field);
        ConfigChecks.InRange(field + ".startFactor", StartFactor, double.Epsilon, 1);
        ConfigChecks.InRange(field + ".endFactor", EndFactor, 0, 1);
        ConfigChecks.IntegerInRange(field + ".totalIters", TotalIters, 1, MaxEpochs);
    }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"linear ×{StartFactor:G3} → ×{EndFactor:G3} over {TotalIters} epochs{WarmupText}");
}

/// <summary><see cref="ReduceLROnPlateau"/> on the epoch's validation loss (the training loss without a validation split).</summary>
public sealed record ReduceLROnPlateauConfig : LRScheduleConfig
{
    public double Factor { get; init; } = 0.1;
    public int Patience { get; init; } = 10;
    public double Threshold { get; init; } = 1e-4;
    public ThresholdMode ThresholdMode { get; init; } = ThresholdMode.Rel;
    public int Cooldown { get; init; }
    public double MinLearningRate { get; init; }
    public double Eps { get; init; } = 1e-8;

    protected override LRScheduler BuildSchedule(Optimizer optimizer, int epochs) =>
        new ReduceLROnPlateau(optimizer, PlateauMode.Min, Factor, Patience, Threshold, ThresholdMode, Cooldown, MinLearningRate, Eps);

    public override void Validate(string field)
    {
        base.Validate(field);
        if (WarmupEpochs != 0)
            throw new ArgumentException($"{field}.warmupEpochs: must be 0 for kind \"plateau\" (a plateau schedule cannot follow a warm-up; got {WarmupEpochs}).");
        ConfigChecks.InRange(field + ".factor", Factor, 0, 1, maxExclusive: true);
        ConfigChecks.IntegerInRange(field + ".patience", Patience, 0, MaxEpochs);
        ConfigChecks.InRange(field + ".threshold", Threshold, 0, 1);
        ConfigChecks.IntegerInRange(field + ".cooldown", Cooldown, 0, MaxEpochs);
        ConfigChecks.InRange(field + ".minLearningRate", MinLearningRate, 0, 10);
        ConfigChecks.InRange(field + ".eps", Eps, 0, 1);
    }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"×{Factor:G3} after {Patience} epochs without improvement{(Cooldown > 0 ? $", cooldown {Cooldown}" : "")}");
}
