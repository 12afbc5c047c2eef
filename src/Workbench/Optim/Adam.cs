using Workbench.Tensors;

namespace Workbench.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) with exactly
/// PyTorch 1.13's <c>torch.optim.Adam</c> semantics: weight decay is L2 added to the
/// gradient (not AdamW's decoupled decay), and with t the parameter's step count,
/// bc₁ = 1 − β₁ᵗ, bc₂ = 1 − β₂ᵗ, the update is p −= (lr / bc₁) · m / (√v / √bc₂ + ε) — ε outside the root.
/// With AMSGrad (Reddi et al., "On the Convergence of Adam and Beyond", ICLR 2018) the running maximum of v
/// takes v's place in the denominator.
/// </summary>
/// <remarks>State names: <c>adam.step</c> (one count per parameter, as PyTorch keeps a step per
/// parameter), <c>adam.exp_avg.{i}</c> (m), <c>adam.exp_avg_sq.{i}</c> (v) and, with AMSGrad,
/// <c>adam.max_exp_avg_sq.{i}</c>. Each parameter group has its own learning rate and weight decay.</remarks>
public sealed class Adam : Optimizer
{
    private readonly AdamMoments _moments;

    public Adam(IEnumerable<Tensor> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 0f, bool amsgrad = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, beta1, beta2, epsilon, weightDecay, amsgrad)
    {
    }

    /// <summary>Adam over parameter groups; a group without its own learning rate or weight decay takes these.</summary>
    public Adam(IEnumerable<ParameterGroup> groups, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 0f, bool amsgrad = false)
        : base(groups, learningRate, CheckedDecay(weightDecay))
    {
        _moments = new AdamMoments(this, "adam", beta1, beta2, epsilon, amsgrad);
        WeightDecay = weightDecay;
    }

    public float Beta1 => _moments.Beta1;
    public float Beta2 => _moments.Beta2;
    public float Epsilon => _moments.Epsilon;

    /// <summary>The weight decay of groups that do not set their own.</summary>
    public float WeightDecay { get; }

    public bool Amsgrad => _moments.Amsgrad;

    public override void Step() => _moments.Step(decoupled: false);

    public override IReadOnlyDictionary<string, Tensor> StateTensors() => _moments.StateTensors();

    public override void LoadStateTensors(IReadOnlyDictionary<string, Tensor> state) => _moments.LoadStateTensors(state, "Adam");

    internal static float CheckedDecay(float weightDecay) =>
        weightDecay >= 0f && float.IsFinite(weightDecay)
            ? weightDecay
            : throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weightDecay must be non-negative, got {weightDecay}.");
}
