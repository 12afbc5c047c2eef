using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Optim;

/// <summary>
/// The state and the step shared by <see cref="Adam"/> and <see cref="AdamW"/>: first and second moments, AMSGrad's
/// running maximum, a step count per parameter, and the update of all parameters as one job on the kernel worker threads.
/// </summary>
/// <remarks>State names, with <c>{kind}</c> the optimizer's prefix (<c>adam</c>, <c>adamw</c>): <c>{kind}.step</c>,
/// <c>{kind}.exp_avg.{i}</c>, <c>{kind}.exp_avg_sq.{i}</c> and, with AMSGrad, <c>{kind}.max_exp_avg_sq.{i}</c>.</remarks>
internal sealed class AdamMoments
{
    private readonly Optimizer _optimizer;
    private readonly string _kind;
    private readonly Tensor[] _expAvg, _expAvgSq;
    private readonly Tensor[]? _maxExpAvgSq;
    private readonly Tensor _steps; // (parameters,) step count of each parameter; float holds counts exactly up to 2^24
    private readonly MomentJob _job;

    public AdamMoments(Optimizer optimizer, string kind, float beta1, float beta2, float epsilon, bool amsgrad)
    {
        if (!(beta1 >= 0f && beta1 < 1f)) throw new ArgumentOutOfRangeException(nameof(beta1), $"beta1 must be in [0, 1), got {beta1}.");
        if (!(beta2 >= 0f && beta2 < 1f)) throw new ArgumentOutOfRangeException(nameof(beta2), $"beta2 must be in [0, 1), got {beta2}.");
        if (!(epsilon >= 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"epsilon must be non-negative, got {epsilon}.");
        _optimizer = optimizer;
        _kind = kind;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        var parameters = optimizer.Parameters;
        _expAvg = parameters.Select(StateBuffer).ToArray();
        _expAvgSq = parameters.Select(StateBuffer).ToArray();
        _maxExpAvgSq = amsgrad ? parameters.Select(StateBuffer).ToArray() : null;
        _steps = new Tensor([parameters.Count], new float[parameters.Count], null);
        _job = new MomentJob(this);
    }

    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Epsilon { get; }
    public bool Amsgrad => _maxExpAvgSq is not null;

    /// <summary>
    /// One step over every parameter with a gradient: <paramref name="decoupled"/> selects AdamW's decay
    /// p ← p·(1 − lr·λ) over Adam's L2 term d = g + λ·p (λ and lr are each parameter's group's).
    /// </summary>
    public void Step(bool decoupled)
    {
        var steps = _steps.Span;
        var job = _job;
        job.Parts = 0;
        job.Decoupled = decoupled;
        var parameters = _optimizer.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (p.Grad is null) continue;
            var group = _optimizer.GroupOf(i);
            double t = ++steps[i];
            // Bias corrections and the step size in double, as PyTorch computes them with Python floats.
            double biasCorrection1 = 1 - Math.Pow(Beta1, t);
            double biasCorrection2 = 1 - Math.Pow(Beta2, t);
            job.StepSize[i] = (float)(group.LearningRate / biasCorrection1);
            job.BiasCorrection2Sqrt[i] = (float)Math.Sqrt(biasCorrection2);
            job.DecayFactor[i] = decoupled ? (float)(1 - group.LearningRate * group.WeightDecay) : 1f;
            for (int start = 0; start < p.Size; start += OptimizerKernels.AdamPartLength)
                job.Add(i, start, Math.Min(OptimizerKernels.AdamPartLength, p.Size - start));
        }
        // All parameters' updates are one job on the kernel worker threads, in parts of whole vectors; each
        // element is updated by the same code in any part, so the result does not depend on the threads.
        WorkerPool.Run(job, Math.Max(1, job.Parts), Math.Min(job.Parts, Gemm.MaxThreads));
    }

    /// <summary>One step's updates as (parameter, start, length) parts, reused from step to step.</summary>
    private sealed class MomentJob(AdamMoments moments) : PartedWork
    {
        public readonly float[] StepSize = new float[moments._optimizer.Parameters.Count],
            BiasCorrection2Sqrt = new float[moments._optimizer.Parameters.Count],
            DecayFactor = new float[moments._optimizer.Parameters.Count];
        public int Parts;
        public bool Decoupled;
        private (int Parameter, int Start, int Length)[] _parts = new (int, int, int)[Math.Max(4, moments._optimizer.Parameters.Count)];

        public void Add(int parameter, int start, int length)
        {
            if (Parts == _parts.Length) Array.Resize(ref _parts, 2 * _parts.Length);
            _parts[Parts++] = (parameter, start, length);
        }

        public override void RunPart(int part)
        {
            if (part >= Parts) return; // no parameter has a gradient
            var (i, start, length) = _parts[part];
            var o = moments;
            var p = o._optimizer.Parameters[i];
            float weightDecay = o._optimizer.GroupOf(i).WeightDecay;
            if (!Decoupled && o._maxExpAvgSq is null)
            {
                // Adam as it always was: the one-span kernel, bit for bit.
                OptimizerKernels.Adam(p.Span.Slice(start, length), p.Grad!.Span.Slice(start, length),
                    o._expAvg[i].Span.Slice(start, length), o._expAvgSq[i].Span.Slice(start, length),
                    o.Beta1, o.Beta2, o.Epsilon, weightDecay, StepSize[i], BiasCorrection2Sqrt[i]);
                return;
            }
            OptimizerKernels.AdamVariant(p.Span.Slice(start, length), p.Grad!.Span.Slice(start, length),
                o._expAvg[i].Span.Slice(start, length), o._expAvgSq[i].Span.Slice(start, length),
                o._maxExpAvgSq is null ? Span<float>.Empty : o._maxExpAvgSq[i].Span.Slice(start, length),
                o.Beta1, o.Beta2, o.Epsilon, Decoupled ? 0f : weightDecay, DecayFactor[i], StepSize[i], BiasCorrection2Sqrt[i]);
        }
    }

    public IReadOnlyDictionary<string, Tensor> StateTensors()
    {
        var state = new Dictionary<string, Tensor> { [$"{_kind}.step"] = Snapshot(_steps) };
        for (int i = 0; i < _expAvg.Length; i++)
        {
            state[$"{_kind}.exp_avg.{i}"] = Snapshot(_expAvg[i]);
            state[$"{_kind}.exp_avg_sq.{i}"] = Snapshot(_expAvgSq[i]);
            if (_maxExpAvgSq is not null) state[$"{_kind}.max_exp_avg_sq.{i}"] = Snapshot(_maxExpAvgSq[i]);
        }
        return state;
    }

    public void LoadStateTensors(IReadOnlyDictionary<string, Tensor> state, string displayName)
    {
        var parameters = _optimizer.Parameters;
        var required = new Dictionary<string, int[]> { [$"{_kind}.step"] = [parameters.Count] };
        for (int i = 0; i < parameters.Count; i++)
        {
            required[$"{_kind}.exp_avg.{i}"] = parameters[i].Dims;
            required[$"{_kind}.exp_avg_sq.{i}"] = parameters[i].Dims;
            if (_maxExpAvgSq is not null) required[$"{_kind}.max_exp_avg_sq.{i}"] = parameters[i].Dims;
        }
        Optimizer.ValidateState(state, displayName, required);
        foreach (float s in state[$"{_kind}.step"].Span)
            if (!(s >= 0f) || s != MathF.Floor(s))
                throw new ArgumentException($"{displayName} state '{_kind}.step' holds {s}, which is not a step count.", nameof(state));
        _steps.CopyFrom(state[$"{_kind}.step"]);
        for (int i = 0; i < parameters.Count; i++)
        {
            _expAvg[i].CopyFrom(state[$"{_kind}.exp_avg.{i}"]);
            _expAvgSq[i].CopyFrom(state[$"{_kind}.exp_avg_sq.{i}"]);
            _maxExpAvgSq?[i].CopyFrom(state[$"{_kind}.max_exp_avg_sq.{i}"]);
        }
    }

    private static Tensor StateBuffer(Tensor parameter) => Optimizer.StateBuffer(parameter);

    private static Tensor Snapshot(Tensor state) => Optimizer.Snapshot(state);
}
