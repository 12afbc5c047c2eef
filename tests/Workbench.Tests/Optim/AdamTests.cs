using Workbench.Kernels;
using Workbench.IO;
using Workbench.Optim;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Optim;

public class AdamTests
{
    private static Adam FixtureAdam(Tensor parameter) =>
        new([parameter], learningRate: 1e-2f, beta1: 0.9f, beta2: 0.999f, epsilon: 1e-8f, weightDecay: 0.1f);

    [Fact]
    public void Step_ThreeStepsWithWeightDecay_MatchesPyTorch()
    {
        var parameter = OptimizerOracle.InitialParameter();
        var adam = FixtureAdam(parameter);
        for (int step = 0; step < OptimizerOracle.Steps; step++)
        {
            OptimizerOracle.Run(adam, step, step + 1);
            Close.Assert(OptimizerOracle.Tensor($"adam.after.{step}").Span, parameter.Span, 1e-4, 1e-6, $"parameter after step {step + 1}");
        }
    }

    [Fact]
    public void Step_EpsilonComparableToRootOfSecondMoment_MatchesPyTorch()
    {
        // ε = 1e-2 against gradients ~1e-2: placing ε inside the square root would be visible here.
        var parameter = OptimizerOracle.InitialParameter();
        var adam = new Adam([parameter], learningRate: 1e-2f, beta1: 0.8f, beta2: 0.99f, epsilon: 1e-2f);
        for (int step = 0; step < OptimizerOracle.Steps; step++)
        {
            parameter.Grad = OptimizerOracle.Tensor($"grad.{step}").MulScalar(0.01f);
            adam.Step();
            Close.Assert(OptimizerOracle.Tensor($"adam_large_eps.after.{step}").Span, parameter.Span, 1e-4, 1e-6, $"parameter after step {step + 1}");
        }
    }

    [Fact]
    public void StateTensors_SavedToFileAndLoadedMidRun_ResumesBitForBit()
    {
        var straight = OptimizerOracle.InitialParameter();
        OptimizerOracle.Run(FixtureAdam(straight), 0, OptimizerOracle.Steps);

        using var dir = new TempDirectory();
        var first = OptimizerOracle.InitialParameter();
        var before = FixtureAdam(first);
        OptimizerOracle.Run(before, 0, 1);
        SafeTensors.Save(dir.File("adam.safetensors"), before.StateTensors());
        OptimizerOracle.Run(before, 1, 2); // keeps going: the saved state must be a snapshot

        var resumedParameter = OptimizerOracle.InitialParameter();
        OptimizerOracle.Run(FixtureAdam(resumedParameter), 0, 1);
        var resumed = FixtureAdam(resumedParameter.Clone());
        resumed.LoadStateTensors(SafeTensors.Load(dir.File("adam.safetensors")).Tensors);
        OptimizerOracle.Run(resumed, 1, OptimizerOracle.Steps);

        Assert.Equal(straight.ToArray(), resumed.Parameters[0].ToArray());
    }

    [Fact]
    public void StateTensors_AfterOneStep_UsesStableNames()
    {
        var adam = FixtureAdam(OptimizerOracle.InitialParameter());
        OptimizerOracle.Run(adam, 0, 1);
        var state = adam.StateTensors();
        Assert.Equal(["adam.exp_avg.0", "adam.exp_avg_sq.0", "adam.step"], state.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([1f], state["adam.step"].ToArray());
    }

    [Fact]
    public void LoadStateTensors_WrongShapeAndMissingEntry_ThrowsNamingBoth()
    {
        var adam = FixtureAdam(OptimizerOracle.InitialParameter());
        var state = new Dictionary<string, Tensor>(adam.StateTensors());
        state["adam.exp_avg.0"] = Tensor.Zeros(36);
        state.Remove("adam.exp_avg_sq.0");
        var ex = Assert.Throws<ArgumentException>(() => adam.LoadStateTensors(state));
        Assert.Contains("'adam.exp_avg.0' has shape (36), expected (37)", ex.Message);
        Assert.Contains("missing 'adam.exp_avg_sq.0'", ex.Message);
    }

    [Fact]
    public void Step_ParameterWithoutGradient_IsSkippedAndItsStepCountStays()
    {
        var withGrad = Tensor.Ones(3);
        var withoutGrad = Tensor.Ones(2);
        var adam = new Adam([withGrad, withoutGrad], learningRate: 0.1f);
        withGrad.Grad = Tensor.Full(0.5f, 3);
        adam.Step();
        Assert.Equal([1f, 1f], withoutGrad.ToArray());
        Assert.Equal([1f, 0f], adam.StateTensors()["adam.step"].ToArray());
        // First Adam step moves each coordinate by lr·sign(g) (up to ε).
        Close.Assert([0.9f, 0.9f, 0.9f], withGrad.Span, 1e-5, 1e-6, "parameter with gradient");
    }

    [Fact]
    public void ZeroGrad_AfterStep_ZeroesGradientsKeepingTheirBuffers()
    {
        var parameter = OptimizerOracle.InitialParameter();
        var adam = FixtureAdam(parameter);
        OptimizerOracle.SetGradient(parameter, 0);
        var gradient = parameter.Grad;
        adam.Step();
        adam.ZeroGrad();
        Assert.Same(gradient, parameter.Grad);
        Assert.All(parameter.Grad!.ToArray(), g => Assert.Equal(0f, g));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1023)]
    [InlineData(1025)]
    [InlineData(2500)]
    [InlineData(3 * OptimizerKernels.AdamPartLength + 5)] // parts on the worker threads, the last one with a tail
    public void Step_LengthsAcrossChunkBoundaries_MatchDoublePrecisionReference(int length)
    {
        var rng = new Rng(11);
        var parameter = Tensor.Randn(rng, length);
        var adam = new Adam([parameter], learningRate: 0.05f, beta1: 0.8f, beta2: 0.99f, epsilon: 1e-3f, weightDecay: 0.2f);
        var p = parameter.ToArray().Select(v => (double)v).ToArray();
        var m = new double[length];
        var v = new double[length];
        for (int t = 1; t <= 3; t++)
        {
            parameter.Grad = Tensor.Randn(rng, length);
            var g = parameter.Grad.ToArray();
            adam.Step();
            double bc1 = 1 - Math.Pow(0.8f, t), bc2 = 1 - Math.Pow(0.99f, t);
            for (int i = 0; i < length; i++)
            {
                double d = g[i] + 0.2f * p[i];
                m[i] = 0.8f * m[i] + (1 - 0.8f) * d;
                v[i] = 0.99f * v[i] + (1 - 0.99f) * d * d;
                p[i] -= 0.05f / bc1 * m[i] / (Math.Sqrt(v[i]) / Math.Sqrt(bc2) + 1e-3f);
            }
        }
        Close.Assert(p.Select(x => (float)x).ToArray(), parameter.Span, 1e-4, 1e-6, $"length {length}");
    }

    [Fact]
    public void Step_ManyParametersInPartsOnTheWorkerThreads_GivesTheBitsOfTheWholeArrayKernel()
    {
        // Three parameters, one spanning several parts: the step as one job on the worker threads against
        // each parameter updated by the one-array kernel in a single call.
        var rng = new Rng(12);
        int[] lengths = [7, 2 * OptimizerKernels.AdamPartLength + 13, 1000];
        var parameters = lengths.Select(n => Tensor.Randn(rng, n)).ToArray();
        var expected = parameters.Select(p => p.ToArray()).ToArray();
        var m = lengths.Select(n => new float[n]).ToArray();
        var v = lengths.Select(n => new float[n]).ToArray();
        var adam = new Adam(parameters, learningRate: 0.01f, weightDecay: 0.1f);
        for (int t = 1; t <= 2; t++)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i].Grad = Tensor.Randn(rng, lengths[i]);
                double bc1 = 1 - Math.Pow(0.9f, t), bc2 = 1 - Math.Pow(0.999f, t);
                OptimizerKernels.Adam(expected[i], parameters[i].Grad!.Span, m[i], v[i], 0.9f, 0.999f, 1e-8f, 0.1f,
                    (float)(0.01f / bc1), (float)Math.Sqrt(bc2));
            }
            adam.Step();
            for (int i = 0; i < parameters.Length; i++) Assert.Equal(expected[i], parameters[i].ToArray());
        }
    }

    [Fact]
    public void Constructor_BetaOutOfRange_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([Tensor.Zeros(2)], beta1: 1f));
        Assert.Equal("beta1", ex.ParamName);
    }
}
