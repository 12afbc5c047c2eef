namespace Workbench.Optim.Schedules;

/// <summary>PyTorch's <c>ExponentialLR</c>: multiplies each group's rate by γ every epoch (lr·γ^epoch).</summary>
public sealed class ExponentialLR : LRScheduler
{
    public ExponentialLR(Optimizer optimizer, double gamma) : base(optimizer)
    {
        if (!(gamma >= 0) || double.IsInfinity(gamma)) throw new ArgumentOutOfRangeException(nameof(gamma), $"gamma must be finite and non-negative, got {gamma}.");
        Gamma = gamma;
        InitialStep();
    }

    public double Gamma { get; }

    protected override double NextRate(double current, double baseRate) => LastEpoch == 0 ? current : current * Gamma;

    protected override double? ClosedFormRate(double baseRate) => baseRate * Math.Pow(Gamma, LastEpoch);
}
