using Workbench.Tensors;

namespace Workbench.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019) with PyTorch 1.13's
/// <c>torch.optim.AdamW</c> semantics: each step first shrinks the parameter, p ← p·(1 − lr·λ), then takes
/// Adam's step on the raw gradient (no L2 term in the moments). Default λ = 0.01, as in PyTorch.
/// </summary>
/// <remarks>State names: <c>adamw.step</c>, <c>adamw.exp_avg.{i}</c>, <c>adamw.exp_avg_sq.{i}</c> and, with AMSGrad,
/// <c>adamw.max_exp_avg_sq.{i}</c>. Each parameter group has its own learning rate and weight decay (a group of
/// biases and norms often takes λ = 0).</remarks>
public sealed class AdamW : Optimizer
{
    private readonly AdamMoments _moments;

    public AdamW(IEnumerable<Tensor> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 1e-2f, bool amsgrad = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, beta1, beta2, epsilon, weightDecay, amsgrad)
    {
    }

    /// <summary>AdamW over parameter groups; a group without its own learning rate or weight decay takes these.</summary>
    public AdamW(IEnumerable<ParameterGroup> groups, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 1e-2f, bool amsgrad = false)
        : base(groups, learningRate, Adam.CheckedDecay(weightDecay))
    {
        _moments = new AdamMoments(this, "adamw", beta1, beta2, epsilon, amsgrad);
        WeightDecay = weightDecay;
    }

    public float Beta1 => _moments.Beta1;
    public float Beta2 => _moments.Beta2;
    public float Epsilon => _moments.Epsilon;

    /// <summary>The decoupled weight decay of groups that do not set their own.</summary>
    public float WeightDecay { get; }

    public bool Amsgrad => _moments.Amsgrad;

    public override void Step() => _moments.Step(decoupled: true);

    public override IReadOnlyDictionary<string, Tensor> StateTensors() => _moments.StateTensors();

    public override void LoadStateTensors(IReadOnlyDictionary<string, Tensor> state) => _moments.LoadStateTensors(state, "AdamW");
}
