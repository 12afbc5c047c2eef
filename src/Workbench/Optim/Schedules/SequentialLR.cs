namespace Workbench.Optim.Schedules;

/// <summary>
/// PyTorch's <c>SequentialLR</c>: runs <see cref="Schedulers"/>[0] until the first milestone epoch, then the next
/// schedule (restarted at its epoch 0 by its closed form, as PyTorch's <c>step(0)</c>), and so on. A linear warm-up
/// followed by cosine annealing is <c>new SequentialLR(o, [new LinearLR(o, 0.1, 1, 5), new CosineAnnealingLR(o, 45)], [5])</c>.
/// </summary>
/// <remarks>
/// As in PyTorch, constructing the parts already stepped the optimizer's rates; this constructor resets every group to
/// its initial rate, moves each part back one epoch and takes the first part's initial step again.
/// </remarks>
public sealed class SequentialLR : LRScheduler
{
    private readonly LRScheduler[] _schedulers;
    private readonly int[] _milestones;

    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones) : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedulers.Count == 0) throw new ArgumentException("SequentialLR needs at least one schedule.", nameof(schedulers));
        for (int i = 0; i < schedulers.Count; i++)
        {
            if (schedulers[i] is null) throw new ArgumentException($"Schedule {i} is null.", nameof(schedulers));
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException($"Schedule {i} belongs to another optimizer; every part of a SequentialLR must step this one.", nameof(schedulers));
            if (schedulers[i].NeedsMetric)
                throw new ArgumentException($"Schedule {i} ({schedulers[i].GetType().Name}) needs a metric and cannot be a part of a SequentialLR.", nameof(schedulers));
        }
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException($"SequentialLR needs one milestone fewer than schedules: {schedulers.Count} schedules, {milestones.Count} milestones.", nameof(milestones));
        for (int i = 0; i < milestones.Count; i++)
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1]))
                throw new ArgumentOutOfRangeException(nameof(milestones), $"milestones must be increasing epochs ≥ 1, got [{string.Join(", ", milestones)}].");
        _schedulers = schedulers.ToArray();
        _milestones = milestones.ToArray();
        LastEpoch = 0;
        foreach (var group in optimizer.Groups) group.LearningRate = group.InitialLearningRate!.Value;
        foreach (var scheduler in _schedulers) scheduler.LastEpoch--;
        _schedulers[0].InitialStep();
    }

    public IReadOnlyList<LRScheduler> Schedulers => _schedulers;
    public IReadOnlyList<int> Milestones => _milestones;

    public override void Step()
    {
        LastEpoch++;
        int index = UpperBound(_milestones, LastEpoch);
        var scheduler = _schedulers[index];
        if (index > 0 && _milestones[index - 1] == LastEpoch) scheduler.StepAt(0);
        else scheduler.Step();
    }

    /// <summary>Python's <c>bisect_right</c>: how many milestones are ≤ <paramref name="epoch"/>.</summary>
    private static int UpperBound(int[] milestones, int epoch) => milestones.Count(m => m <= epoch);

    /// <summary>Its own <c>last_epoch</c> and group rates, and each part's state under <c>schedulers.{i}.</c>.</summary>
    public override IReadOnlyDictionary<string, double> StateValues()
    {
        var state = new Dictionary<string, double>(base.StateValues());
        for (int i = 0; i < _schedulers.Length; i++)
            foreach (var (name, value) in _schedulers[i].StateValues()) state[$"schedulers.{i}.{name}"] = value;
        return state;
    }

    public override void LoadStateValues(IReadOnlyDictionary<string, double> state)
    {
        RequireNames(state, StateValues().Keys.ToHashSet(StringComparer.Ordinal));
        for (int i = 0; i < _schedulers.Length; i++)
        {
            string prefix = $"schedulers.{i}.";
            _schedulers[i].LoadStateValues(state.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value));
        }
        LoadEpochAndRates(state);
    }
}
