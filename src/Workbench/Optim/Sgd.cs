using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Optim;

/// <summary>
/// Stochastic gradient descent with PyTorch 1.13's <c>torch.optim.SGD</c> semantics:
/// d = g + λ·p; with momentum μ the buffer starts as b = d and then follows b = μb + (1 − dampening)·d;
/// the step uses d = b, or d + μb with Nesterov momentum (Sutskever et al. 2013); p −= lr·d.
/// </summary>
/// <remarks>State names: <c>sgd.momentum_buffer.{i}</c>, present only for parameters whose buffer
/// exists (they have taken a step with momentum), as in PyTorch's state dict. Each parameter group has its own
/// learning rate and weight decay; momentum, dampening and Nesterov are the optimizer's.</remarks>
public sealed class Sgd : Optimizer
{
    private readonly Tensor[]? _momentumBuffers;
    private readonly bool[] _hasBuffer;

    public Sgd(IEnumerable<Tensor> parameters, float learningRate, float momentum = 0f, float weightDecay = 0f, bool nesterov = false,
        float dampening = 0f)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, momentum, weightDecay, nesterov, dampening)
    {
    }

    /// <summary>SGD over parameter groups; a group without its own learning rate or weight decay takes these.</summary>
    public Sgd(IEnumerable<ParameterGroup> groups, float learningRate, float momentum = 0f, float weightDecay = 0f, bool nesterov = false,
        float dampening = 0f)
        : base(groups, learningRate, Adam.CheckedDecay(weightDecay))
    {
        if (!(momentum >= 0f) || float.IsInfinity(momentum)) throw new ArgumentOutOfRangeException(nameof(momentum), $"momentum must be non-negative, got {momentum}.");
        if (!(dampening >= 0f && dampening <= 1f)) throw new ArgumentOutOfRangeException(nameof(dampening), $"dampening must be in [0, 1], got {dampening}.");
        if (nesterov && (momentum == 0f || dampening != 0f))
            throw new ArgumentException($"Nesterov momentum needs momentum > 0 and dampening 0 (got momentum {momentum}, dampening {dampening}).", nameof(nesterov));
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        Dampening = dampening;
        _momentumBuffers = momentum == 0f ? null : Parameters.Select(StateBuffer).ToArray();
        _hasBuffer = new bool[Parameters.Count];
    }

    public float Momentum { get; }

    /// <summary>The weight decay of groups that do not set their own.</summary>
    public float WeightDecay { get; }
    public bool Nesterov { get; }
    public float Dampening { get; }

    public override void Step()
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is null) continue;
            var group = GroupOf(i);
            var buffer = _momentumBuffers is null ? Span<float>.Empty : _momentumBuffers[i].Span;
            OptimizerKernels.Sgd(p.Span, p.Grad.Span, buffer, firstStep: !_hasBuffer[i], (float)group.LearningRate, Momentum, group.WeightDecay, Nesterov, Dampening);
            _hasBuffer[i] = _momentumBuffers is not null;
        }
    }

    public override IReadOnlyDictionary<string, Tensor> StateTensors()
    {
        var state = new Dictionary<string, Tensor>();
        for (int i = 0; i < Parameters.Count; i++)
            if (_hasBuffer[i]) state[$"sgd.momentum_buffer.{i}"] = Snapshot(_momentumBuffers![i]);
        return state;
    }

    public override void LoadStateTensors(IReadOnlyDictionary<string, Tensor> state)
    {
        var optional = new Dictionary<string, int[]>();
        if (_momentumBuffers is not null)
            for (int i = 0; i < Parameters.Count; i++) optional[$"sgd.momentum_buffer.{i}"] = Parameters[i].Dims;
        ValidateState(state, "SGD", new Dictionary<string, int[]>(), optional);
        for (int i = 0; i < Parameters.Count; i++)
        {
            _hasBuffer[i] = state.TryGetValue($"sgd.momentum_buffer.{i}", out var buffer);
            if (_hasBuffer[i]) _momentumBuffers![i].CopyFrom(buffer!);
        }
    }
}
