using Workbench.Kernels;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.NN;

/// <summary>
/// BatchNorm1d/BatchNorm2d against PyTorch 1.13 (Fixtures/norm.safetensors, written by tests/fixtures-gen/norm.py):
/// values, input/weight/bias gradients and running statistics in training and evaluation mode; finite differences
/// of the op; PyTorch's state-dict names.
/// </summary>
[Collection(Workbench.Tests.Kernels.GemmLogTests.Recording)] // sets the process-wide compute thread count
public class BatchNormTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, Tensor>> Fixture = new(() => FixtureFiles.Load("norm.safetensors").Tensors);

    private static Tensor F(string name) => Fixture.Value[name];

    private static BatchNormLayer Layer(string kind, int features, double? momentum = 0.1) =>
        kind == "bn1d" ? new BatchNorm1d(features, momentum: momentum) : new BatchNorm2d(features, momentum: momentum);

    /// <summary>Loads the case's state before the step, runs forward and backward of Σ y·r, compares with PyTorch.</summary>
    private static void CheckStep(Module<Tensor, Tensor> network, BatchNormLayer layer, string prefix, double rtol = 1e-4)
    {
        foreach (var (name, tensor) in layer.NamedState()) tensor.CopyFrom(F($"{prefix}.before_{name}"));
        var x = F($"{prefix}.input").Clone();
        x.RequiresGrad = true;
        layer.ZeroGrad();
        var y = network.Forward(x);
        (y * F($"{prefix}.output_weights")).Sum().Backward();
        Close.Assert(F($"{prefix}.output").Span, y.Span, rtol, 1e-5, $"{prefix} output");
        Close.Assert(F($"{prefix}.grad_input").Span, x.Grad!.Span, rtol, 1e-4, $"{prefix} input gradient");
        Close.Assert(F($"{prefix}.grad_weight").Span, layer.Weight!.Grad!.Span, rtol, 1e-4, $"{prefix} weight gradient");
        Close.Assert(F($"{prefix}.grad_bias").Span, layer.Bias!.Grad!.Span, rtol, 1e-4, $"{prefix} bias gradient");
        foreach (var (name, tensor) in layer.NamedBuffers())
            Close.Assert(F($"{prefix}.after_{name}").Span, tensor.Span, rtol, 1e-6, $"{prefix} {name} after the step");
    }

    [Theory]
    [InlineData("bn2d", 3)]
    [InlineData("bn1d", 5)]
    [InlineData("bn1d_seq", 4)]
    public void Forward_TrainAndEvalMode_MatchesPyTorch(string name, int features)
    {
        var layer = Layer(name == "bn2d" ? "bn2d" : "bn1d", features);
        CheckStep(layer, layer, $"{name}.train");
        layer.Eval();
        CheckStep(layer, layer, $"{name}.eval");
    }

    [Fact]
    public void Forward_FollowedByLeakyReluInASequential_MatchesPyTorchInBothModes()
    {
        var layer = new BatchNorm2d(3);
        var network = new Sequential(layer, new LeakyReLU(0.2f));
        CheckStep(network, layer, "bn2d_lrelu.train");
        network.Eval();
        CheckStep(network, layer, "bn2d_lrelu.eval");
    }

    [Fact]
    public void Forward_MomentumNull_RunningStatisticsAreTheCumulativeAverage()
    {
        var layer = new BatchNorm2d(2, momentum: null);
        for (int step = 0; step < 3; step++) CheckStep(layer, layer, $"bn2d_cumulative.step{step}");
        Assert.Equal(3f, layer.NumBatchesTracked!.Item());
    }

    [Fact]
    public void Forward_ValuesFarFromZero_KeepTheVarianceAsPyTorch()
    {
        // Mean 1000, standard deviation 0.01: a float Σx² − (Σx)²/n would lose the variance altogether.
        // PyTorch's output itself cancels digits (x·α + β): ours is compared with the exact normalisation instead.
        var layer = new BatchNorm2d(2);
        var x = F("bn2d_offset.train.input");
        var y = layer.Forward(x);
        Close.Assert(F("bn2d_offset.exact_output").Span, y.Span, 1e-3, 2e-4, "normalised values");
        Close.Assert(F("bn2d_offset.train.after_running_mean").Span, layer.RunningMean!.Span, 1e-6, 0, "running mean");
        Close.Assert(F("bn2d_offset.train.after_running_var").Span, layer.RunningVar!.Span, 1e-3, 0, "running variance");
    }

    [Fact]
    public void StateDict_BatchNorm2d_HasPyTorchsNamesAndShapes()
    {
        var layer = new BatchNorm2d(4);
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], layer.NamedState().Select(s => s.Name));
        Assert.Equal(["weight", "bias"], layer.NamedParameters().Select(p => p.Name));
        Assert.Empty(layer.NumBatchesTracked!.Shape);
        Assert.Equal("BatchNorm2d(4, eps=1E-05, momentum=0.1, affine=True, track_running_stats=True)", layer.ToString());
    }

    [Fact]
    public void Forward_EvalMode_LeavesTheRunningStatisticsAlone()
    {
        var layer = new BatchNorm2d(3);
        layer.Eval();
        layer.Forward(GradCheck.Random(1, 2, 3, 4, 4));
        Assert.Equal(new float[3], layer.RunningMean!.ToArray());
        Assert.Equal(0f, layer.NumBatchesTracked!.Item());
    }

    [Fact]
    public void Forward_WithoutRunningStatistics_EvaluationUsesTheBatch()
    {
        var layer = new BatchNorm1d(3, trackRunningStats: false);
        Assert.Empty(layer.NamedBuffers());
        var x = GradCheck.Random(2, 6, 3);
        var train = layer.Forward(x).ToArray();
        layer.Eval();
        Assert.Equal(train, layer.Forward(x).ToArray());
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void BatchNorm_FiniteDifferences_AgreeWithAutograd(bool training, bool leaky)
    {
        var runningMean = GradCheck.Random(5, 3);
        var runningVar = Tensor.Full(0.8f, 3);
        var inputs = new[] { GradCheck.Random(1, 4, 3, 3, 2), GradCheck.Random(2, 3), GradCheck.Random(3, 3) };
        GradCheck.AssertGradients(t => leaky
                ? Tensor.BatchNormLeakyRelu(t[0], runningMean.Clone(), runningVar.Clone(), t[1], t[2], training, 0.1, 1e-5, 0.3f)
                : Tensor.BatchNorm(t[0], runningMean.Clone(), runningVar.Clone(), t[1], t[2], training),
            inputs, step: 1e-2f, relativeTolerance: 3e-2, absoluteTolerance: 3e-3);
    }

    [Fact]
    public void BatchNorm_FeatureRows_FiniteDifferencesAgreeWithAutograd() =>
        GradCheck.AssertGradients(t => Tensor.BatchNorm(t[0], null, null, t[1], t[2], training: true),
            [GradCheck.Random(4, 6, 4), GradCheck.Random(5, 4), GradCheck.Random(6, 4)], step: 1e-2f, relativeTolerance: 3e-2, absoluteTolerance: 3e-3);

    [Fact]
    public void BatchNorm_OneThreadAndAllThreads_GiveTheSameBits()
    {
        // The conv VAE's first batch-norm layer at batch 128: large enough to share the channels among threads.
        var x = GradCheck.Random(11, 128, 32, 14, 14);
        var parallel = ForwardBackward(x);
        int threads = Gemm.MaxThreads;
        Gemm.MaxThreads = 1;
        try
        {
            var serial = ForwardBackward(x);
            for (int i = 0; i < serial.Length; i++) Assert.Equal(serial[i], parallel[i]);
        }
        finally
        {
            Gemm.MaxThreads = threads;
        }
    }

    private static float[][] ForwardBackward(Tensor x)
    {
        var layer = new BatchNorm2d(32);
        var network = new Sequential(layer, new LeakyReLU());
        var input = x.Clone();
        input.RequiresGrad = true;
        var y = network.Forward(input);
        (y * GradCheck.Random(12, y.Shape.ToArray())).Sum().Backward();
        return [y.ToArray(), input.Grad!.ToArray(), layer.Weight!.Grad!.ToArray(), layer.Bias!.Grad!.ToArray(), layer.RunningMean!.ToArray(), layer.RunningVar!.ToArray()];
    }

    [Fact]
    public void Forward_BadShapesAndArguments_AreRefusedWithTheValue()
    {
        Assert.Contains("(N, C, H, W)", Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros(2, 3))).Message);
        Assert.Contains("expected 3", Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(2, 4))).Message);
        Assert.Contains("more than 1 value per channel", Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(1, 3))).Message);
        Assert.Contains("got -0.5", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2d(3, momentum: -0.5)).Message);
        Assert.Contains("needs runningMean", Assert.Throws<ArgumentException>(() => Tensor.BatchNorm(Tensor.Zeros(2, 3), null, null)).Message);
    }
}
