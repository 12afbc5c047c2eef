namespace Workbench.Optim.Schedules;

/// <summary>PyTorch's <c>MultiStepLR</c>: multiplies each group's rate by γ at every milestone epoch (by γᵏ when a milestone is listed k times).</summary>
public sealed class MultiStepLR : LRScheduler
{
    private readonly int[] _milestones; // sorted, repeats kept

    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1) : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = milestones.Order().ToArray();
        if (_milestones.Length > 0 && _milestones[0] < 1)
            throw new ArgumentOutOfRangeException(nameof(milestones), $"milestones must be epochs ≥ 1, got {_milestones[0]}.");
        if (!(gamma >= 0) || double.IsInfinity(gamma)) throw new ArgumentOutOfRangeException(nameof(gamma), $"gamma must be finite and non-negative, got {gamma}.");
        Gamma = gamma;
        InitialStep();
    }

    public IReadOnlyList<int> Milestones => _milestones;
    public double Gamma { get; }

    protected override double NextRate(double current, double baseRate)
    {
        int count = _milestones.Count(m => m == LastEpoch);
        return count == 0 ? current : current * Math.Pow(Gamma, count);
    }

    protected override double? ClosedFormRate(double baseRate) => baseRate * Math.Pow(Gamma, _milestones.Count(m => m <= LastEpoch));
}
