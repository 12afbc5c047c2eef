namespace Workbench.Optim.Schedules;

/// <summary>
/// PyTorch's <c>LinearLR</c>, the usual linear warm-up: the factor on each group's base rate moves linearly from
/// <see cref="StartFactor"/> at epoch 0 to <see cref="EndFactor"/> at epoch <see cref="TotalIters"/> and stays there
/// (lr·(s + (e − s)·min(t, T)/T), computed by PyTorch's recursive form).
/// </summary>
public sealed class LinearLR : LRScheduler
{
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5) : base(optimizer)
    {
        if (!(startFactor > 0 && startFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(startFactor), $"startFactor must be in (0, 1], got {startFactor}.");
        if (!(endFactor >= 0 && endFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(endFactor), $"endFactor must be in [0, 1], got {endFactor}.");
        if (totalIters < 1) throw new ArgumentOutOfRangeException(nameof(totalIters), $"totalIters must be at least 1 epoch, got {totalIters}.");
        StartFactor = startFactor;
        EndFactor = endFactor;
        TotalIters = totalIters;
        InitialStep();
    }

    public double StartFactor { get; }
    public double EndFactor { get; }
    public int TotalIters { get; }

    protected override double NextRate(double current, double baseRate)
    {
        if (LastEpoch == 0) return current * StartFactor;
        if (LastEpoch > TotalIters) return current;
        return current * (1.0 + (EndFactor - StartFactor) / (TotalIters * StartFactor + (LastEpoch - 1) * (EndFactor - StartFactor)));
    }

    protected override double? ClosedFormRate(double baseRate) =>
        baseRate * (StartFactor + (EndFactor - StartFactor) * Math.Min(TotalIters, LastEpoch) / TotalIters);
}
