using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Optim;

/// <summary>
/// RMSprop (Hinton, Neural Networks for Machine Learning, lecture 6e; centered form from Graves 2013) with
/// PyTorch 1.13's <c>torch.optim.RMSprop</c> semantics: d = g + λ·p; s = αs + (1−α)d²; the denominator is
/// r = √s + ε, or with <c>centered</c> r = √(s − a²) + ε where a = αa + (1−α)d; with momentum μ,
/// b = μb + d/r and p −= lr·b, else p −= lr·d/r. PyTorch's defaults: lr 0.01, α 0.99, ε 1e-8.
/// </summary>
/// <remarks>State names: <c>rmsprop.step</c> (one count per parameter), <c>rmsprop.square_avg.{i}</c>, and
/// <c>rmsprop.momentum_buffer.{i}</c> (momentum &gt; 0) and <c>rmsprop.grad_avg.{i}</c> (centered). Each parameter
/// group has its own learning rate and weight decay.</remarks>
public sealed class RmsProp : Optimizer
{
    private readonly Tensor[] _squareAvg;
    private readonly Tensor[]? _gradAvg, _momentumBuffer;
    private readonly Tensor _steps;

    public RmsProp(IEnumerable<Tensor> parameters, float learningRate = 1e-2f, float alpha = 0.99f, float epsilon = 1e-8f,
        float weightDecay = 0f, float momentum = 0f, bool centered = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, alpha, epsilon, weightDecay, momentum, centered)
    {
    }

    /// <summary>RMSprop over parameter groups; a group without its own learning rate or weight decay takes these.</summary>
    public RmsProp(IEnumerable<ParameterGroup> groups, float learningRate = 1e-2f, float alpha = 0.99f, float epsilon = 1e-8f,
        float weightDecay = 0f, float momentum = 0f, bool centered = false)
        : base(groups, learningRate, Adam.CheckedDecay(weightDecay))
    {
        if (!(alpha >= 0f && alpha <= 1f)) throw new ArgumentOutOfRangeException(nameof(alpha), $"alpha must be in [0, 1], got {alpha}.");
        if (!(epsilon >= 0f) || float.IsInfinity(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"epsilon must be non-negative, got {epsilon}.");
        if (!(momentum >= 0f) || float.IsInfinity(momentum)) throw new ArgumentOutOfRangeException(nameof(momentum), $"momentum must be non-negative, got {momentum}.");
        Alpha = alpha;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
        _squareAvg = Parameters.Select(StateBuffer).ToArray();
        _gradAvg = centered ? Parameters.Select(StateBuffer).ToArray() : null;
        _momentumBuffer = momentum > 0f ? Parameters.Select(StateBuffer).ToArray() : null;
        _steps = new Tensor([Parameters.Count], new float[Parameters.Count], null);
    }

    public float Alpha { get; }
    public float Epsilon { get; }

    /// <summary>The weight decay of groups that do not set their own.</summary>
    public float WeightDecay { get; }
    public float Momentum { get; }
    public bool Centered { get; }

    public override void Step()
    {
        var steps = _steps.Span;
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is null) continue;
            var group = GroupOf(i);
            steps[i]++;
            OptimizerKernels.RmsProp(p.Span, p.Grad.Span, _squareAvg[i].Span,
                _gradAvg is null ? Span<float>.Empty : _gradAvg[i].Span,
                _momentumBuffer is null ? Span<float>.Empty : _momentumBuffer[i].Span,
                (float)group.LearningRate, Alpha, Epsilon, group.WeightDecay, Momentum);
        }
    }

    public override IReadOnlyDictionary<string, Tensor> StateTensors()
    {
        var state = new Dictionary<string, Tensor> { ["rmsprop.step"] = Snapshot(_steps) };
        for (int i = 0; i < Parameters.Count; i++)
        {
            state[$"rmsprop.square_avg.{i}"] = Snapshot(_squareAvg[i]);
            if (_gradAvg is not null) state[$"rmsprop.grad_avg.{i}"] = Snapshot(_gradAvg[i]);
            if (_momentumBuffer is not null) state[$"rmsprop.momentum_buffer.{i}"] = Snapshot(_momentumBuffer[i]);
        }
        return state;
    }

    public override void LoadStateTensors(IReadOnlyDictionary<string, Tensor> state)
    {
        var required = new Dictionary<string, int[]> { ["rmsprop.step"] = [Parameters.Count] };
        for (int i = 0; i < Parameters.Count; i++)
        {
            required[$"rmsprop.square_avg.{i}"] = Parameters[i].Dims;
            if (_gradAvg is not null) required[$"rmsprop.grad_avg.{i}"] = Parameters[i].Dims;
            if (_momentumBuffer is not null) required[$"rmsprop.momentum_buffer.{i}"] = Parameters[i].Dims;
        }
        ValidateState(state, "RMSprop", required);
        _steps.CopyFrom(state["rmsprop.step"]);
        for (int i = 0; i < Parameters.Count; i++)
        {
            _squareAvg[i].CopyFrom(state[$"rmsprop.square_avg.{i}"]);
            _gradAvg?[i].CopyFrom(state[$"rmsprop.grad_avg.{i}"]);
            _momentumBuffer?[i].CopyFrom(state[$"rmsprop.momentum_buffer.{i}"]);
        }
    }
}
