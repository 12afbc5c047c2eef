namespace Workbench.Optim.Schedules;

/// <summary>PyTorch's <c>StepLR</c>: multiplies each group's rate by γ every <see cref="StepSize"/> epochs (lr·γ^⌊epoch/stepSize⌋).</summary>
public sealed class StepLR : LRScheduler
{
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        if (stepSize < 1) throw new ArgumentOutOfRangeException(nameof(stepSize), $"stepSize must be at least 1, got {stepSize}.");
        if (!(gamma >= 0) || double.IsInfinity(gamma)) throw new ArgumentOutOfRangeException(nameof(gamma), $"gamma must be finite and non-negative, got {gamma}.");
        StepSize = stepSize;
        Gamma = gamma;
        InitialStep();
    }

    public int StepSize { get; }
    public double Gamma { get; }

    protected override double NextRate(double current, double baseRate) =>
        LastEpoch == 0 || LastEpoch % StepSize != 0 ? current : current * Gamma;

    protected override double? ClosedFormRate(double baseRate) => baseRate * Math.Pow(Gamma, LastEpoch / StepSize);
}
