namespace Workbench.Optim.Schedules;

/// <summary>
/// Base of the learning-rate schedules, with PyTorch 1.13's <c>torch.optim.lr_scheduler._LRScheduler</c> semantics:
/// attaching a schedule records each group's <see cref="OptimizerGroup.InitialLearningRate"/> (when not yet set) as
/// its base rate and takes the initial step (epoch 0); each <see cref="Step()"/> then advances one epoch and sets every
/// group's rate by the schedule's chainable rule from the group's current rate, as PyTorch's <c>step()</c> does
/// (<c>get_lr</c>, not the closed form, which PyTorch uses only for an explicit epoch).
/// </summary>
/// <remarks>
/// Step once per epoch, after the epoch's optimizer steps (the Trainer does). Every group follows the schedule from its
/// own initial rate, so parameter groups keep their ratios. <see cref="StateValues"/> holds the epoch count, each
/// group's current rate and the schedule's counters, so a resumed run continues exactly.
/// </remarks>
public abstract class LRScheduler
{
    /// <summary>Attaches to <paramref name="optimizer"/>; the derived constructor ends with <see cref="InitialStep"/>.</summary>
    protected LRScheduler(Optimizer optimizer) : this(optimizer, recordsInitialRates: true)
    {
    }

    private protected LRScheduler(Optimizer optimizer, bool recordsInitialRates)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        if (recordsInitialRates)
            foreach (var group in optimizer.Groups) group.InitialLearningRate ??= group.LearningRate;
        BaseLearningRates = optimizer.Groups.Select(g => g.InitialLearningRate ?? g.LearningRate).ToArray();
        LastEpoch = -1;
    }

    public Optimizer Optimizer { get; }

    /// <summary>Each group's initial rate (PyTorch's <c>base_lrs</c>).</summary>
    public IReadOnlyList<double> BaseLearningRates { get; }

    /// <summary>Epochs stepped so far (PyTorch's <c>last_epoch</c>): 0 after the initial step.</summary>
    public int LastEpoch { get; internal set; }

    /// <summary>Each group's current learning rate (PyTorch's <c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> LastLearningRates => Optimizer.Groups.Select(g => g.LearningRate).ToArray();

    /// <summary>True when <see cref="Step(double)"/> needs a measured metric (<see cref="ReduceLROnPlateau"/>).</summary>
    public virtual bool NeedsMetric => false;

    /// <summary>Advances one epoch and sets every group's learning rate.</summary>
    public virtual void Step()
    {
        LastEpoch++;
        SetRates(NextRate);
    }

    /// <summary>Advances one epoch given the epoch's metric; schedules that do not use one ignore it.</summary>
    public virtual void Step(double metric) => Step();

    /// <summary>PyTorch's <c>_initial_step</c>: the step to epoch 0 taken when a schedule attaches.</summary>
    protected internal void InitialStep() => Step();

    /// <summary>PyTorch's <c>step(epoch)</c>: jumps to <paramref name="epoch"/> by the closed form where there is one.</summary>
    internal void StepAt(int epoch)
    {
        LastEpoch = epoch;
        SetRates((current, baseRate) => ClosedFormRate(baseRate) ?? NextRate(current, baseRate));
    }

    /// <summary>The group's rate for epoch <see cref="LastEpoch"/> from its rate at the previous epoch (PyTorch's chainable <c>get_lr</c>).</summary>
    protected virtual double NextRate(double current, double baseRate) => current;

    /// <summary>The group's rate at epoch <see cref="LastEpoch"/> from its base rate alone, or null when the schedule has no closed form.</summary>
    protected virtual double? ClosedFormRate(double baseRate) => null;

    private void SetRates(Func<double, double, double> rate)
    {
        var groups = Optimizer.Groups;
        var rates = new double[groups.Count];
        for (int g = 0; g < groups.Count; g++) rates[g] = rate(groups[g].LearningRate, BaseLearningRates[g]);
        for (int g = 0; g < groups.Count; g++) groups[g].LearningRate = rates[g];
    }

    /// <summary>
    /// The schedule's state by name: <c>last_epoch</c>, <c>lr.{g}</c> (each group's current rate) and the schedule's
    /// own counters. Doubles hold every value exactly, so a restored schedule continues bit for bit.
    /// </summary>
    public virtual IReadOnlyDictionary<string, double> StateValues()
    {
        var state = new Dictionary<string, double> { ["last_epoch"] = LastEpoch };
        for (int g = 0; g < Optimizer.Groups.Count; g++) state[$"lr.{g}"] = Optimizer.Groups[g].LearningRate;
        return state;
    }

    /// <summary>Restores <see cref="StateValues"/> of a schedule of the same kind over an optimizer with as many groups.</summary>
    public virtual void LoadStateValues(IReadOnlyDictionary<string, double> state)
    {
        RequireNames(state, StateValues().Keys.ToHashSet(StringComparer.Ordinal));
        LoadEpochAndRates(state);
    }

    /// <summary>Sets <see cref="LastEpoch"/> and every group's rate from checked state.</summary>
    private protected void LoadEpochAndRates(IReadOnlyDictionary<string, double> state)
    {
        LastEpoch = (int)state["last_epoch"];
        for (int g = 0; g < Optimizer.Groups.Count; g++) Optimizer.Groups[g].LearningRate = state[$"lr.{g}"];
    }

    /// <summary>Throws naming every missing and unexpected entry.</summary>
    private protected void RequireNames(IReadOnlyDictionary<string, double> state, IReadOnlySet<string> expected)
    {
        ArgumentNullException.ThrowIfNull(state);
        var problems = expected.Where(n => !state.ContainsKey(n)).Select(n => $"missing '{n}'")
            .Concat(state.Keys.Where(n => !expected.Contains(n)).Select(n => $"unexpected '{n}'")).ToList();
        if (problems.Count > 0)
            throw new ArgumentException($"{GetType().Name} state does not match this schedule: {string.Join("; ", problems)}.", nameof(state));
    }
}
