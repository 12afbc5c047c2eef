using Workbench.Optim;
using Workbench.Optim.Schedules;
using Workbench.Tensors;

namespace Workbench.Tests.Optim;

/// <summary>Each schedule's learning rates over 30 epochs against PyTorch 1.13 (optim.safetensors), two parameter groups.</summary>
public class LRSchedulerTests
{
    public static TheoryData<string> Cases() =>
        ["step", "multi_step", "exponential", "cosine", "linear", "warmup_cosine", "warmup_step", "plateau", "plateau_abs"];

    /// <summary>SGD with two groups at 0.5 and 0.0625 (exact in float), as optim.py builds it.</summary>
    private static Sgd TwoGroups() =>
        new([new ParameterGroup([Tensor.Zeros(1)], learningRate: 0.5f), new ParameterGroup([Tensor.Zeros(1)], learningRate: 0.0625f)], 0.5f);

    private static LRScheduler Build(string key, Optimizer o) => key switch
    {
        "step" => new StepLR(o, stepSize: 7, gamma: 0.5),
        "multi_step" => new MultiStepLR(o, [5, 12, 12, 20], gamma: 0.3),
        "exponential" => new ExponentialLR(o, gamma: 0.9),
        "cosine" => new CosineAnnealingLR(o, tMax: 10, etaMin: 1e-3),
        "linear" => new LinearLR(o, startFactor: 0.2, endFactor: 1.0, totalIters: 6),
        "warmup_cosine" => new SequentialLR(o, [new LinearLR(o, 0.1, 1.0, 5), new CosineAnnealingLR(o, tMax: 25)], [5]),
        "warmup_step" => new SequentialLR(o, [new LinearLR(o, 0.25, 1.0, 3), new StepLR(o, stepSize: 4, gamma: 0.5)], [3]),
        "plateau" => new ReduceLROnPlateau(o, PlateauMode.Min, factor: 0.5, patience: 2, threshold: 0.01, ThresholdMode.Rel, cooldown: 1, minLearningRate: 0.01),
        "plateau_abs" => new ReduceLROnPlateau(o, PlateauMode.Min, factor: 0.3, patience: 0, threshold: 0.05, ThresholdMode.Abs),
        _ => throw new ArgumentException(key),
    };

    private static double Metric(int epoch) => OptimOracle.Tensor("plateau.metric").Span[epoch];

    private static void StepEpoch(LRScheduler scheduler, int epoch)
    {
        if (scheduler.NeedsMetric) scheduler.Step(Metric(epoch));
        else scheduler.Step();
    }

    private static void AssertRates(float[,] expected, int epoch, LRScheduler scheduler, string key)
    {
        for (int g = 0; g < 2; g++)
        {
            double actual = scheduler.Optimizer.Groups[g].LearningRate, wanted = expected[epoch, g];
            Assert.True(Math.Abs(actual - wanted) <= 1e-6 * Math.Abs(wanted) + 1e-12,
                $"{key}: group {g} after {epoch} epochs has lr {actual:G9}, PyTorch {wanted:G9}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_ThirtyEpochs_FollowsPyTorchsLearningRates(string key)
    {
        var expected = OptimOracle.LearningRates(key);
        var scheduler = Build(key, TwoGroups());
        AssertRates(expected, 0, scheduler, key);
        for (int epoch = 0; epoch < OptimOracle.Epochs; epoch++)
        {
            StepEpoch(scheduler, epoch);
            AssertRates(expected, epoch + 1, scheduler, key);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LoadStateValues_SavedMidRunIntoAFreshSchedule_ContinuesBitForBit(string key)
    {
        var straight = Build(key, TwoGroups());
        var rates = new List<double>();
        for (int epoch = 0; epoch < OptimOracle.Epochs; epoch++)
        {
            StepEpoch(straight, epoch);
            rates.AddRange(straight.LastLearningRates);
        }

        var first = Build(key, TwoGroups());
        for (int epoch = 0; epoch < 13; epoch++) StepEpoch(first, epoch);
        var state = first.StateValues();
        var resumed = Build(key, TwoGroups());
        resumed.LoadStateValues(state);
        var resumedRates = new List<double>();
        for (int epoch = 13; epoch < OptimOracle.Epochs; epoch++)
        {
            StepEpoch(resumed, epoch);
            resumedRates.AddRange(resumed.LastLearningRates);
        }
        Assert.Equal(rates.Skip(13 * 2), resumedRates);
    }

    [Fact]
    public void CosineAnnealingLR_ClosedFormAtEveryEpoch_AgreesWithTheRecursiveRates()
    {
        var optimizer = TwoGroups();
        var scheduler = new CosineAnnealingLR(optimizer, tMax: 10, etaMin: 1e-3);
        for (int epoch = 1; epoch <= 10; epoch++)
        {
            scheduler.Step();
            double closedForm = 1e-3 + (0.5 - 1e-3) * (1 + Math.Cos(Math.PI * epoch / 10)) / 2;
            Assert.Equal(closedForm, optimizer.Groups[0].LearningRate, 12);
        }
    }

    [Fact]
    public void ReduceLROnPlateau_StepWithoutMetric_Throws()
    {
        var scheduler = new ReduceLROnPlateau(TwoGroups());
        var ex = Assert.Throws<InvalidOperationException>(() => scheduler.Step());
        Assert.Contains("Step(metric)", ex.Message);
    }

    [Fact]
    public void LoadStateValues_StateOfAnotherKind_ThrowsNamingTheEntries()
    {
        var plateau = new ReduceLROnPlateau(TwoGroups());
        var step = new StepLR(TwoGroups(), 3);
        var ex = Assert.Throws<ArgumentException>(() => step.LoadStateValues(plateau.StateValues()));
        Assert.Contains("unexpected 'best'", ex.Message);
    }

    [Fact]
    public void SequentialLR_MilestonesNotOneFewerThanSchedules_Throws()
    {
        var o = TwoGroups();
        var ex = Assert.Throws<ArgumentException>(() => new SequentialLR(o, [new LinearLR(o), new ExponentialLR(o, 0.9)], [2, 4]));
        Assert.Contains("one milestone fewer", ex.Message);
    }

    [Theory]
    [InlineData("stepSize")]
    [InlineData("tMax")]
    [InlineData("factor")]
    public void Constructor_ValueOutOfRange_ThrowsNamingIt(string name)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => name switch
        {
            "stepSize" => (LRScheduler)new StepLR(TwoGroups(), 0),
            "tMax" => new CosineAnnealingLR(TwoGroups(), 0),
            _ => new ReduceLROnPlateau(TwoGroups(), factor: 1.0),
        });
        Assert.Equal(name, ex.ParamName);
    }
}
