namespace Workbench.Optim.Schedules;

/// <summary>Whether a smaller or a larger metric is better.</summary>
public enum PlateauMode { Min, Max }

/// <summary>How <see cref="ReduceLROnPlateau.Threshold"/> measures an improvement: relative to the best value, or absolute.</summary>
public enum ThresholdMode { Rel, Abs }

/// <summary>
/// PyTorch's <c>ReduceLROnPlateau</c>: when the metric has not improved for more than <see cref="Patience"/> epochs,
/// multiplies every group's rate by <see cref="Factor"/> (not below <see cref="MinLearningRate"/>, and only when the
/// change exceeds <see cref="Eps"/>), then waits <see cref="Cooldown"/> epochs before counting again. In min mode with
/// a relative threshold, an improvement is metric &lt; best·(1 − threshold).
/// </summary>
/// <remarks>It does not take an initial step or record initial rates; <see cref="Step(double)"/> needs the epoch's metric.</remarks>
public sealed class ReduceLROnPlateau : LRScheduler
{
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, double minLearningRate = 0,
        double eps = 1e-8) : base(optimizer, recordsInitialRates: false)
    {
        if (!(factor >= 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), $"factor must be in [0, 1), got {factor}.");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"patience must be ≥ 0 epochs, got {patience}.");
        if (!(threshold >= 0) || double.IsInfinity(threshold)) throw new ArgumentOutOfRangeException(nameof(threshold), $"threshold must be finite and ≥ 0, got {threshold}.");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), $"cooldown must be ≥ 0 epochs, got {cooldown}.");
        if (!(minLearningRate >= 0) || double.IsInfinity(minLearningRate))
            throw new ArgumentOutOfRangeException(nameof(minLearningRate), $"minLearningRate must be finite and ≥ 0, got {minLearningRate}.");
        if (!(eps >= 0) || double.IsInfinity(eps)) throw new ArgumentOutOfRangeException(nameof(eps), $"eps must be finite and ≥ 0, got {eps}.");
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
        Eps = eps;
        LastEpoch = 0;
        Best = Worst;
    }

    public PlateauMode Mode { get; }
    public double Factor { get; }
    public int Patience { get; }
    public double Threshold { get; }
    public ThresholdMode ThresholdMode { get; }
    public int Cooldown { get; }
    public double MinLearningRate { get; }
    public double Eps { get; }

    /// <summary>The best metric so far (+∞ in min mode before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>Epochs since the last improvement (reset by a reduction and during cooldown).</summary>
    public int BadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left.</summary>
    public int CooldownCounter { get; private set; }

    public override bool NeedsMetric => true;

    private double Worst => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    public override void Step() =>
        throw new InvalidOperationException("ReduceLROnPlateau needs the epoch's metric: call Step(metric).");

    public override void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            BadEpochs = 0;
        }
        else BadEpochs++;
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            BadEpochs = 0; // bad epochs in cooldown do not count
        }
        if (BadEpochs > Patience)
        {
            foreach (var group in Optimizer.Groups)
            {
                double old = group.LearningRate;
                double reduced = Math.Max(old * Factor, MinLearningRate);
                if (old - reduced > Eps) group.LearningRate = reduced;
            }
            CooldownCounter = Cooldown;
            BadEpochs = 0;
        }
    }

    private bool IsBetter(double value, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => value < best * (1 - Threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => value < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => value > best * (Threshold + 1),
        _ => value > best + Threshold,
    };

    public override IReadOnlyDictionary<string, double> StateValues() => new Dictionary<string, double>(base.StateValues())
    {
        ["best"] = Best,
        ["num_bad_epochs"] = BadEpochs,
        ["cooldown_counter"] = CooldownCounter,
    };

    public override void LoadStateValues(IReadOnlyDictionary<string, double> state)
    {
        base.LoadStateValues(state);
        Best = state["best"];
        BadEpochs = (int)state["num_bad_epochs"];
        CooldownCounter = (int)state["cooldown_counter"];
    }
}
