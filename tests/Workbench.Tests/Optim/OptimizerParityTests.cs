using Workbench.Optim;
using Workbench.Tensors;

namespace Workbench.Tests.Optim;

/// <summary>Every optimizer and hyperparameter setting against PyTorch 1.13 (optim.safetensors), one and two parameter groups.</summary>
public class OptimizerParityTests
{
    public static TheoryData<string> Cases() =>
    [
        "adam_amsgrad", "adamw", "adamw_strong_decay_amsgrad", "sgd_plain", "sgd_dampening", "sgd_nesterov",
        "rmsprop", "rmsprop_centered", "rmsprop_momentum", "rmsprop_centered_momentum",
        "adamw_groups", "sgd_groups", "rmsprop_groups", "adam_groups",
    ];

    /// <summary>The optimizer of fixture case <paramref name="key"/> over (a, b), built as optim.py builds it.</summary>
    internal static Optimizer Build(string key, Tensor a, Tensor b) => key switch
    {
        "adam_amsgrad" => new Adam([a, b], 1e-2f, 0.9f, 0.99f, 1e-8f, weightDecay: 0.05f, amsgrad: true),
        "adamw" => new AdamW([a, b], 1e-2f, weightDecay: 0.01f),
        "adamw_strong_decay_amsgrad" => new AdamW([a, b], 5e-2f, 0.8f, 0.99f, 1e-6f, weightDecay: 0.5f, amsgrad: true),
        "sgd_plain" => new Sgd([a, b], 0.1f),
        "sgd_dampening" => new Sgd([a, b], 0.1f, momentum: 0.9f, weightDecay: 0.01f, dampening: 0.3f),
        "sgd_nesterov" => new Sgd([a, b], 0.05f, momentum: 0.8f, weightDecay: 0.02f, nesterov: true),
        "rmsprop" => new RmsProp([a, b], 1e-2f),
        "rmsprop_centered" => new RmsProp([a, b], 1e-2f, alpha: 0.9f, centered: true),
        "rmsprop_momentum" => new RmsProp([a, b], 1e-2f, momentum: 0.5f, weightDecay: 0.1f),
        "rmsprop_centered_momentum" => new RmsProp([a, b], 5e-3f, alpha: 0.95f, epsilon: 1e-4f, weightDecay: 0.05f, momentum: 0.9f, centered: true),
        "adamw_groups" => new AdamW([new ParameterGroup([a], learningRate: 2e-2f, weightDecay: 0.1f), new ParameterGroup([b], weightDecay: 0f)], 1e-2f, weightDecay: 0.01f),
        "sgd_groups" => new Sgd([new ParameterGroup([a], learningRate: 0.05f, weightDecay: 0.1f), new ParameterGroup([b])], 0.1f, momentum: 0.9f),
        "rmsprop_groups" => new RmsProp([new ParameterGroup([a]), new ParameterGroup([b], learningRate: 3e-3f, weightDecay: 0.2f)], 1e-2f, centered: true),
        "adam_groups" => new Adam([new ParameterGroup([a], weightDecay: 0.3f), new ParameterGroup([b], learningRate: 1e-3f)], 1e-2f),
        _ => throw new ArgumentException(key),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_FourSteps_MatchesPyTorch(string key)
    {
        var (a, b) = OptimOracle.Parameters();
        OptimOracle.AssertMatchesPyTorch(Build(key, a, b), key);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StateTensors_SavedAfterTwoStepsAndLoaded_ResumesBitForBit(string key)
    {
        var (a, b) = OptimOracle.Parameters();
        var straight = Build(key, a, b);
        OptimOracle.Run(straight, 0, OptimOracle.Steps);

        var (a1, b1) = OptimOracle.Parameters();
        var first = Build(key, a1, b1);
        OptimOracle.Run(first, 0, 2);
        var state = first.StateTensors();
        OptimOracle.Run(first, 2, 3); // keeps going: the saved state must be a snapshot

        var (a2, b2) = OptimOracle.Parameters();
        OptimOracle.Run(Build(key, a2, b2), 0, 2);
        var resumed = Build(key, a2.Clone(), b2.Clone());
        resumed.LoadStateTensors(state);
        OptimOracle.Run(resumed, 2, OptimOracle.Steps);

        Assert.Equal(straight.Parameters[0].ToArray(), resumed.Parameters[0].ToArray());
        Assert.Equal(straight.Parameters[1].ToArray(), resumed.Parameters[1].ToArray());
    }

    [Fact]
    public void Adam_OneGroupPerParameterWithTheSameRates_GivesTheBitsOfOneGroup()
    {
        var (a, b) = OptimOracle.Parameters();
        var one = new Adam([a, b], 1e-2f, weightDecay: 0.1f);
        var (a2, b2) = OptimOracle.Parameters();
        var two = new Adam([new ParameterGroup([a2]), new ParameterGroup([b2])], 1e-2f, weightDecay: 0.1f);
        OptimOracle.Run(one, 0, OptimOracle.Steps);
        OptimOracle.Run(two, 0, OptimOracle.Steps);
        Assert.Equal(a.ToArray(), a2.ToArray());
        Assert.Equal(b.ToArray(), b2.ToArray());
    }

    [Fact]
    public void StateTensors_AdamWWithAmsgradAndCenteredRmsPropWithMomentum_UseStableNames()
    {
        var (a, b) = OptimOracle.Parameters();
        var adamw = Build("adamw_strong_decay_amsgrad", a, b);
        OptimOracle.Run(adamw, 0, 1);
        Assert.Equal(["adamw.exp_avg.0", "adamw.exp_avg.1", "adamw.exp_avg_sq.0", "adamw.exp_avg_sq.1", "adamw.max_exp_avg_sq.0", "adamw.max_exp_avg_sq.1", "adamw.step"],
            adamw.StateTensors().Keys.Order(StringComparer.Ordinal));

        var (c, d) = OptimOracle.Parameters();
        var rmsprop = Build("rmsprop_centered_momentum", c, d);
        OptimOracle.Run(rmsprop, 0, 1);
        Assert.Equal(["rmsprop.grad_avg.0", "rmsprop.grad_avg.1", "rmsprop.momentum_buffer.0", "rmsprop.momentum_buffer.1", "rmsprop.square_avg.0", "rmsprop.square_avg.1", "rmsprop.step"],
            rmsprop.StateTensors().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LoadStateTensors_AdamStateIntoAdamW_ThrowsNamingTheEntries()
    {
        var (a, b) = OptimOracle.Parameters();
        var adam = new Adam([a, b]);
        OptimOracle.Run(adam, 0, 1);
        var adamw = new AdamW([a.Clone(), b.Clone()]);
        var ex = Assert.Throws<ArgumentException>(() => adamw.LoadStateTensors(adam.StateTensors()));
        Assert.Contains("missing 'adamw.step'", ex.Message);
        Assert.Contains("unexpected 'adam.step'", ex.Message);
    }

    [Fact]
    public void LearningRate_SetWithTwoGroups_SetsEveryGroup_AndReadsTheFirst()
    {
        var (a, b) = OptimOracle.Parameters();
        var sgd = new Sgd([new ParameterGroup([a], learningRate: 0.5f), new ParameterGroup([b], learningRate: 0.25f)], 0.1f);
        Assert.Equal(0.5f, sgd.LearningRate);
        Assert.Equal([0.5, 0.25], sgd.Groups.Select(g => g.LearningRate));
        sgd.LearningRate = 0.125f;
        Assert.Equal([0.125, 0.125], sgd.Groups.Select(g => g.LearningRate));
        Assert.Same(sgd.Groups[1], sgd.GroupOf(1));
    }

    [Fact]
    public void Constructor_ParameterInTwoGroups_ThrowsNamingIt()
    {
        var p = Tensor.Zeros(2);
        var ex = Assert.Throws<ArgumentException>(() => new AdamW([new ParameterGroup([p]), new ParameterGroup([p])]));
        Assert.Contains("more than once", ex.Message);
    }

    [Theory]
    [InlineData("alpha")]
    [InlineData("momentum")]
    [InlineData("epsilon")]
    public void RmsPropConstructor_ValueOutOfRange_ThrowsNamingIt(string name)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => name switch
        {
            "alpha" => new RmsProp([Tensor.Zeros(2)], alpha: 1.5f),
            "momentum" => new RmsProp([Tensor.Zeros(2)], momentum: -1f),
            _ => new RmsProp([Tensor.Zeros(2)], epsilon: float.NaN),
        });
        Assert.Equal(name, ex.ParamName);
    }

    [Fact]
    public void SgdConstructor_NesterovWithDampening_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Sgd([Tensor.Zeros(2)], 0.1f, momentum: 0.9f, nesterov: true, dampening: 0.1f));
        Assert.Contains("dampening 0", ex.Message);
    }

    [Fact]
    public void GroupWeightDecay_Negative_ThrowsNamingTheGroup()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([new ParameterGroup([Tensor.Zeros(2)]), new ParameterGroup([Tensor.Zeros(3)], weightDecay: -1f)]));
        Assert.Contains("parameter group 1", ex.Message);
    }
}
