using Workbench.Tensors;

namespace Workbench.Optim;

/// <summary>
/// Parameters that share a learning rate and a weight decay: one entry of PyTorch's <c>param_groups</c>
/// as handed to an optimizer, e.g. <c>new AdamW([new ParameterGroup(encoder.Parameters(), learningRate: 1e-3f, weightDecay: 0), ...])</c>.
/// </summary>
/// <param name="parameters">The group's parameters (each may belong to one group only).</param>
/// <param name="learningRate">The group's learning rate; null takes the optimizer's.</param>
/// <param name="weightDecay">The group's weight decay; null takes the optimizer's.</param>
public sealed class ParameterGroup(IEnumerable<Tensor> parameters, float? learningRate = null, float? weightDecay = null)
{
    public IReadOnlyList<Tensor> Parameters { get; } = (parameters ?? throw new ArgumentNullException(nameof(parameters))).ToList();

    /// <summary>The group's learning rate, or null for the optimizer's.</summary>
    public float? LearningRate { get; } = learningRate;

    /// <summary>The group's weight decay, or null for the optimizer's.</summary>
    public float? WeightDecay { get; } = weightDecay;
}

/// <summary>
/// A parameter group as the optimizer holds it: a run of consecutive entries of <see cref="Optimizer.Parameters"/>
/// with its current learning rate (which schedules change) and its weight decay.
/// </summary>
/// <remarks>
/// The learning rate is a double, as PyTorch keeps it a Python float: a schedule's chain of products
/// (lr·γ·γ…) then follows PyTorch's values, and a rate set from a float reads back exactly.
/// </remarks>
public sealed class OptimizerGroup
{
    private double _learningRate;

    internal OptimizerGroup(int index, int firstParameter, int count, double learningRate, float weightDecay)
    {
        Index = index;
        FirstParameter = firstParameter;
        Count = count;
        LearningRate = learningRate;
        WeightDecay = weightDecay;
    }

    /// <summary>The group's position in <see cref="Optimizer.Groups"/>.</summary>
    public int Index { get; }

    /// <summary>Index in <see cref="Optimizer.Parameters"/> of the group's first parameter.</summary>
    public int FirstParameter { get; }

    /// <summary>How many parameters the group holds.</summary>
    public int Count { get; }

    /// <summary>The step size of the group's next update (PyTorch's <c>group['lr']</c>).</summary>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), $"Learning rate of parameter group {Index} must be finite and non-negative, got {value}.");
            _learningRate = value;
        }
    }

    /// <summary>
    /// The rate schedules scale (PyTorch's <c>group['initial_lr']</c>): the group's rate when the first
    /// schedule was attached to the optimizer; null while none has been.
    /// </summary>
    public double? InitialLearningRate { get; internal set; }

    /// <summary>The group's weight decay λ (L2 for Adam, SGD and RMSprop; decoupled for AdamW).</summary>
    public float WeightDecay { get; }
}
