using Workbench.Kernels;
using Workbench.Tensors;

namespace Workbench.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) with exactly
/// PyTorch 1.13's <c>torch.optim.Adam</c> semantics (non-AMSGrad): weight decay is L2 added to the
/// gradient (not AdamW's decoupled decay), and with t the parameter's step count,
/// bc₁ = 1 − β₁ᵗ, bc₂ = 1 − β₂ᵗ, the update is p −= (lr / bc₁) · m / (√v / √bc₂ + ε) — ε outside the root.
/// </summary>
/// <remarks>State names: <c>adam.step</c> (one count per parameter, as PyTorch keeps a step per
/// parameter), <c>adam.exp_avg.{i}</c> (m) and <c>adam.exp_avg_sq.{i}</c> (v).</remarks>
public sealed class Adam : Optimizer
{
    private readonly Tensor[] _expAvg, _expAvgSq;
    private readonly Tensor _steps; // (parameters,) step count of each parameter; float holds counts exactly up to 2^24

    public Adam(IEnumerable<Tensor> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 0f)
        : base(parameters, learningRate)
    {
        if (!(beta1 >= 0f && beta1 < 1f)) throw new ArgumentOutOfRangeException(nameof(beta1), $"beta1 must be in [0, 1), got {beta1}.");
        if (!(beta2 >= 0f && beta2 < 1f)) throw new ArgumentOutOfRangeException(nameof(beta2), $"beta2 must be in [0, 1), got {beta2}.");
        if (!(epsilon >= 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"epsilon must be non-negative, got {epsilon}.");
        if (!(weightDecay >= 0f)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weightDecay must be non-negative, got {weightDecay}.");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _expAvg = Parameters.Select(StateBuffer).ToArray();
        _expAvgSq = Parameters.Select(StateBuffer).ToArray();
        _steps = new Tensor([Parameters.Count], new float[Parameters.Count], null);
    }

    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Epsilon { get; }
    public float WeightDecay { get; }

    public override void Step()
    {
        var steps = _steps.Span;
        var job = _job ??= new AdamJob(this);
        job.Parts = 0;
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is null) continue;
            double t = ++steps[i];
            // Bias corrections in double, as PyTorch computes them with Python floats.
            double biasCorrection1 = 1 - Math.Pow(Beta1, t);
            double biasCorrection2 = 1 - Math.Pow(Beta2, t);
            job.StepSize[i] = (float)(LearningRate / biasCorrection1);
            job.BiasCorrection2Sqrt[i] = (float)Math.Sqrt(biasCorrection2);
            for (int start = 0; start < p.Size; start += OptimizerKernels.AdamPartLength)
                job.Add(i, start, Math.Min(OptimizerKernels.AdamPartLength, p.Size - start));
        }
        // All parameters' updates are one job on the kernel worker threads, in parts of whole vectors; each
        // element is updated by the same code in any part, so the result does not depend on the threads.
        WorkerPool.Run(job, Math.Max(1, job.Parts), Math.Min(job.Parts, Gemm.MaxThreads));
    }

    private AdamJob? _job;

    /// <summary>One step's updates as (parameter, start, length) parts, reused from step to step.</summary>
    private sealed class AdamJob(Adam optimizer) : PartedWork
    {
        public readonly float[] StepSize = new float[optimizer.Parameters.Count], BiasCorrection2Sqrt = new float[optimizer.Parameters.Count];
        public int Parts;
        private (int Parameter, int Start, int Length)[] _parts = new (int, int, int)[Math.Max(4, optimizer.Parameters.Count)];

        public void Add(int parameter, int start, int length)
        {
            if (Parts == _parts.Length) Array.Resize(ref _parts, 2 * _parts.Length);
            _parts[Parts++] = (parameter, start, length);
        }

        public override void RunPart(int part)
        {
            if (part >= Parts) return; // no parameter has a gradient
            var (i, start, length) = _parts[part];
            var o = optimizer;
            var p = o.Parameters[i];
            OptimizerKernels.Adam(p.Span.Slice(start, length), p.Grad!.Span.Slice(start, length),
                o._expAvg[i].Span.Slice(start, length), o._expAvgSq[i].Span.Slice(start, length),
                o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay, StepSize[i], BiasCorrection2Sqrt[i]);
        }
    }

    public override IReadOnlyDictionary<string, Tensor> StateTensors()
    {
        var state = new Dictionary<string, Tensor> { ["adam.step"] = Snapshot(_steps) };
        for (int i = 0; i < Parameters.Count; i++)
        {
            state[$"adam.exp_avg.{i}"] = Snapshot(_expAvg[i]);
            state[$"adam.exp_avg_sq.{i}"] = Snapshot(_expAvgSq[i]);
        }
        return state;
    }

    public override void LoadStateTensors(IReadOnlyDictionary<string, Tensor> state)
    {
        var required = new Dictionary<string, int[]> { ["adam.step"] = [Parameters.Count] };
        for (int i = 0; i < Parameters.Count; i++)
        {
            required[$"adam.exp_avg.{i}"] = Parameters[i].Dims;
            required[$"adam.exp_avg_sq.{i}"] = Parameters[i].Dims;
        }
        ValidateState(state, "Adam", required);
        foreach (float s in state["adam.step"].Span)
            if (!(s >= 0f) || s != MathF.Floor(s))
                throw new ArgumentException($"Adam state 'adam.step' holds {s}, which is not a step count.", nameof(state));
        _steps.CopyFrom(state["adam.step"]);
        for (int i = 0; i < Parameters.Count; i++)
        {
            _expAvg[i].CopyFrom(state[$"adam.exp_avg.{i}"]);
            _expAvgSq[i].CopyFrom(state[$"adam.exp_avg_sq.{i}"]);
        }
    }
}
