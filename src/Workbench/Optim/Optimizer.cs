using Workbench.Tensors;

namespace Workbench.Optim;

/// <summary>
/// Base of the gradient-descent optimizers: holds the parameters, updates them in place from their
/// <see cref="Tensor.Grad"/> on <see cref="Step"/>, and exposes its internal state as named tensors so a
/// checkpointed run resumes exactly.
/// </summary>
/// <remarks>
/// Parameters whose <see cref="Tensor.Grad"/> is null (no backward pass reached them) are skipped by
/// <see cref="Step"/>, as in PyTorch, and their state does not advance. State buffers are allocated
/// once, outside any <see cref="TensorScope"/>, so a step allocates nothing proportional to the model.
/// </remarks>
public abstract class Optimizer
{
    private readonly int[] _groupOfParameter;

    /// <summary>One parameter group over <paramref name="parameters"/> at <paramref name="learningRate"/>.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, float learningRate)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, 0f)
    {
    }

    /// <summary>
    /// Parameter groups (PyTorch's <c>param_groups</c>); a group without its own learning rate or weight decay takes
    /// <paramref name="learningRate"/> or <paramref name="weightDecay"/>. Parameters are numbered group after group.
    /// </summary>
    protected Optimizer(IEnumerable<ParameterGroup> groups, float learningRate, float weightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (!(learningRate >= 0f) || float.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), $"Learning rate must be finite and non-negative, got {learningRate}.");
        var list = new List<Tensor>();
        var groupList = new List<OptimizerGroup>();
        var groupOf = new List<int>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var group in groups)
        {
            if (group is null) throw new ArgumentException($"Parameter group {groupList.Count} is null.", nameof(groups));
            int first = list.Count;
            foreach (var p in group.Parameters)
            {
                if (p is null) throw new ArgumentException($"Parameter {list.Count} is null.", nameof(groups));
                if (!seen.Add(p))
                    throw new ArgumentException($"Parameter {list.Count}{NameSuffix(p)} appears more than once in the parameter list.", nameof(groups));
                list.Add(p);
                groupOf.Add(groupList.Count);
            }
            float groupDecay = group.WeightDecay ?? weightDecay;
            if (!(groupDecay >= 0f) || float.IsInfinity(groupDecay))
                throw new ArgumentOutOfRangeException(nameof(groups), $"Weight decay of parameter group {groupList.Count} must be finite and non-negative, got {groupDecay}.");
            float groupRate = group.LearningRate ?? learningRate;
            if (!(groupRate >= 0f) || float.IsInfinity(groupRate))
                throw new ArgumentOutOfRangeException(nameof(groups), $"Learning rate of parameter group {groupList.Count} must be finite and non-negative, got {groupRate}.");
            groupList.Add(new OptimizerGroup(groupList.Count, first, list.Count - first, groupRate, groupDecay));
        }
        if (list.Count == 0) throw new ArgumentException("The optimizer got an empty parameter list.", nameof(groups));
        Parameters = list;
        Groups = groupList;
        _groupOfParameter = groupOf.ToArray();
    }

    /// <summary>The parameters updated by <see cref="Step"/>, in the order their state is numbered.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The parameter groups, each with its own learning rate and weight decay (one group unless several were given).</summary>
    public IReadOnlyList<OptimizerGroup> Groups { get; }

    /// <summary>The group holding parameter <paramref name="parameter"/> (its index in <see cref="Parameters"/>).</summary>
    public OptimizerGroup GroupOf(int parameter) => Groups[_groupOfParameter[parameter]];

    /// <summary>
    /// The step size: reads the first group's learning rate; setting it sets every group's. Schedules
    /// (<see cref="Schedules.LRScheduler"/>) instead set each group's own rate from that group's initial rate, as PyTorch's do.
    /// </summary>
    public float LearningRate
    {
        get => (float)Groups[0].LearningRate;
        set
        {
            if (!(value >= 0f) || float.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), $"Learning rate must be finite and non-negative, got {value}.");
            foreach (var group in Groups) group.LearningRate = value;
        }
    }

    /// <summary>Updates every parameter that has a gradient, in place.</summary>
    public abstract void Step();

    /// <summary>Sets every parameter's gradient to zero, keeping the gradient buffers.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }

    /// <summary>
    /// Copies of the optimizer state under stable names (for example <c>adam.step</c>,
    /// <c>adam.exp_avg.{i}</c> with <c>i</c> the parameter's index); save them with the parameters
    /// and hand them to <see cref="LoadStateTensors"/> to resume exactly.
    /// </summary>
    public abstract IReadOnlyDictionary<string, Tensor> StateTensors();

    /// <summary>
    /// Restores state produced by <see cref="StateTensors"/> of an optimizer of the same kind over
    /// parameters of the same shapes. Throws naming every missing, unexpected or mis-shaped entry.
    /// </summary>
    public abstract void LoadStateTensors(IReadOnlyDictionary<string, Tensor> state);

    /// <summary>A zero tensor shaped like <paramref name="parameter"/> whose storage belongs to no scope.</summary>
    internal static Tensor StateBuffer(Tensor parameter) =>
        new((int[])parameter.Dims.Clone(), new float[parameter.Size], null);

    /// <summary>A scope-free copy of <paramref name="state"/>, safe to keep after the optimizer moves on.</summary>
    internal static Tensor Snapshot(Tensor state)
    {
        var copy = new Tensor((int[])state.Dims.Clone(), new float[state.Size], null);
        state.Span.CopyTo(copy.Span);
        return copy;
    }

    /// <summary>
    /// Checks <paramref name="state"/> against the expected names and shapes (optional names may be
    /// absent) and throws one exception listing every problem.
    /// </summary>
    internal static void ValidateState(IReadOnlyDictionary<string, Tensor> state, string kind,
        IReadOnlyDictionary<string, int[]> required, IReadOnlyDictionary<string, int[]>? optional = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var problems = new List<string>();
        foreach (var (name, dims) in required)
            if (!state.ContainsKey(name)) problems.Add($"missing '{name}'");
        foreach (var (name, tensor) in state)
        {
            int[]? dims = required.TryGetValue(name, out var r) ? r : optional?.TryGetValue(name, out var o) == true ? o : null;
            if (dims is null) problems.Add($"unexpected '{name}'");
            else if (tensor is null) problems.Add($"'{name}' is null");
            else if (!tensor.Dims.AsSpan().SequenceEqual(dims))
                problems.Add($"'{name}' has shape {Tensor.ShapeText(tensor.Dims)}, expected {Tensor.ShapeText(dims)}");
        }
        if (problems.Count > 0)
            throw new ArgumentException($"{kind} state does not match this optimizer's parameters: {string.Join("; ", problems)}.", nameof(state));
    }

    private static string NameSuffix(Tensor p) => p.Name is null ? "" : $" ('{p.Name}')";
}
