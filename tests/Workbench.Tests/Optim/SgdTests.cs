using Workbench.Optim;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Optim;

public class SgdTests
{
    private static Sgd FixtureSgd(Tensor parameter, bool nesterov) =>
        new([parameter], learningRate: 0.1f, momentum: 0.9f, weightDecay: 0.05f, nesterov: nesterov);

    [Theory]
    [InlineData(false, "sgd_momentum")]
    [InlineData(true, "sgd_nesterov")]
    public void Step_MomentumThreeSteps_MatchesPyTorch(bool nesterov, string key)
    {
        var parameter = OptimizerOracle.InitialParameter();
        var sgd = FixtureSgd(parameter, nesterov);
        for (int step = 0; step < OptimizerOracle.Steps; step++)
        {
            OptimizerOracle.Run(sgd, step, step + 1);
            Close.Assert(OptimizerOracle.Tensor($"{key}.after.{step}").Span, parameter.Span, 1e-4, 1e-6, $"{key} after step {step + 1}");
        }
    }

    [Fact]
    public void Step_WithoutMomentum_IsPlainGradientDescent()
    {
        var parameter = Tensor.FromArray([1f, -2f, 3f]);
        var sgd = new Sgd([parameter], learningRate: 0.5f);
        parameter.Grad = Tensor.FromArray([0.2f, 0.4f, -1f]);
        sgd.Step();
        Assert.Equal([0.9f, -2.2f, 3.5f], parameter.ToArray());
        Assert.Empty(sgd.StateTensors());
    }

    [Fact]
    public void StateTensors_LoadedMidRun_ResumesBitForBit()
    {
        var straight = OptimizerOracle.InitialParameter();
        OptimizerOracle.Run(FixtureSgd(straight, nesterov: true), 0, OptimizerOracle.Steps);

        var first = OptimizerOracle.InitialParameter();
        var before = FixtureSgd(first, nesterov: true);
        Assert.Empty(before.StateTensors()); // no buffer until the first step, as in PyTorch
        OptimizerOracle.Run(before, 0, 1);
        var state = before.StateTensors();
        Assert.Equal(["sgd.momentum_buffer.0"], state.Keys);

        var resumed = FixtureSgd(first.Clone(), nesterov: true);
        resumed.LoadStateTensors(state);
        OptimizerOracle.Run(resumed, 1, OptimizerOracle.Steps);
        Assert.Equal(straight.ToArray(), resumed.Parameters[0].ToArray());
    }

    [Fact]
    public void LoadStateTensors_UnknownName_Throws()
    {
        var sgd = FixtureSgd(OptimizerOracle.InitialParameter(), nesterov: false);
        var ex = Assert.Throws<ArgumentException>(() => sgd.LoadStateTensors(new Dictionary<string, Tensor> { ["adam.step"] = Tensor.Zeros(1) }));
        Assert.Contains("unexpected 'adam.step'", ex.Message);
    }

    [Fact]
    public void Constructor_NesterovWithoutMomentum_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Sgd([Tensor.Zeros(2)], 0.1f, nesterov: true));
    }

    [Fact]
    public void Constructor_SameParameterTwice_Throws()
    {
        var p = Tensor.Zeros(2);
        var ex = Assert.Throws<ArgumentException>(() => new Sgd([p, p], 0.1f));
        Assert.Contains("more than once", ex.Message);
    }
}
