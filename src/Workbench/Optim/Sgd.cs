using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Optim;

/// <summary>
/// Stochastic gradient descent with PyTorch 1.13's <c>torch.optim.SGD</c> semantics (dampening 0):
/// d = g + λ·p; with momentum μ the buffer starts as b = d and then follows b = μb + d; the step uses
/// d = b, or d + μb with Nesterov momentum (Sutskever et al. 2013); p −= lr·d.
/// </summary>
/// <remarks>State names: <c>sgd.momentum_buffer.{i}</c>, present only for parameters whose buffer
/// exists (they have taken a step with momentum), as in PyTorch's state dict.</remarks>
public sealed class Sgd : Optimizer
{
    private readonly Tensor[]? _momentumBuffers;
    private readonly bool[] _hasBuffer;

    public Sgd(IEnumerable<Tensor> parameters, float learningRate, float momentum = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(parameters, learningRate)
    {
        if (!(momentum >= 0f)) throw new ArgumentOutOfRangeException(nameof(momentum), $"momentum must be non-negative, got {momentum}.");
        if (!(weightDecay >= 0f)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weightDecay must be non-negative, got {weightDecay}.");
        if (nesterov && momentum == 0f) throw new ArgumentException("Nesterov momentum needs momentum > 0.", nameof(nesterov));
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        _momentumBuffers = momentum == 0f ? null : Parameters.Select(StateBuffer).ToArray();
        _hasBuffer = new bool[Parameters.Count];
    }

    public float Momentum { get; }
    public float WeightDecay { get; }
    public bool Nesterov { get; }

    public override void Step()
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is null) continue;
            var buffer = _momentumBuffers is null ? Span<float>.Empty : _momentumBuffers[i].Span;
            OptimizerKernels.Sgd(p.Span, p.Grad.Span, buffer, firstStep: !_hasBuffer[i], LearningRate, Momentum, WeightDecay, Nesterov);
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
