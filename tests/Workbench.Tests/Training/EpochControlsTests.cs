using Workbench.Data;
using Workbench.Models;
using Workbench.Optim;
using Workbench.Optim.Schedules;
using Workbench.Tensors;
using Workbench.Training;
using Workbench.Tests.Support;

namespace Workbench.Tests.Training;

/// <summary>
/// Optimizer choice, learning-rate schedules, the validation split and early stopping in the trainer, on 256
/// Fashion-MNIST images with a 784-16-4 VAE (batch 32, 8 steps per epoch, minus the validation images).
/// </summary>
public sealed class EpochControlsTests : IDisposable
{
    private static readonly ImageDataset Train = TestData.Fashion(256);
    private static readonly ImageDataset Test = TestData.Fashion(64, offset: 256);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "workbench-controls-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static VariationalAutoencoder NewModel(ulong seed = 5) => VariationalAutoencoder.Create(TestData.SmallMlp(), new Rng(seed));

    private static TrainingOptions Options(int epochs) => new()
    {
        Epochs = epochs, BatchSize = 32, LearningRate = 3e-3f, Seed = 1, ShowProgress = false,
    };

    public static TheoryData<string> Setups() => ["adamw-cosine-warmup", "rmsprop-plateau", "sgd-step-early-stopping"];

    private static TrainingOptions Setup(string name) => name switch
    {
        "adamw-cosine-warmup" => Options(4) with
        {
            Optimizer = new AdamWConfig { WeightDecay = 0.05f },
            LearningRateSchedule = new CosineAnnealingLRConfig { WarmupEpochs = 2, WarmupStartFactor = 0.25, EtaMin = 1e-4 },
            ValidationFraction = 0.125,
        },
        "rmsprop-plateau" => Options(4) with
        {
            LearningRate = 1e-3f,
            Optimizer = new RmsPropConfig { Momentum = 0.5f, Centered = true },
            LearningRateSchedule = new ReduceLROnPlateauConfig { Patience = 0, Factor = 0.5, Threshold = 0.5 },
            ValidationFraction = 0.125,
        },
        _ => Options(4) with
        {
            Optimizer = new SgdConfig { Momentum = 0.9f, Nesterov = true, WeightDecay = 1e-4f },
            LearningRateSchedule = new StepLRConfig { StepSize = 1, Gamma = 0.5 },
            ValidationFraction = 0.25,
            EarlyStopping = new EarlyStoppingConfig { Patience = 10 },
        },
    };

    private static void AssertSameHistory(IReadOnlyList<EpochMetrics> expected, IReadOnlyList<EpochMetrics> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].KlPerDimension, actual[i].KlPerDimension);
            Assert.Equal(expected[i] with { Seconds = 0, KlPerDimension = null! }, actual[i] with { Seconds = 0, KlPerDimension = null! });
        }
    }

    private static void AssertSameParameters(VariationalAutoencoder expected, VariationalAutoencoder actual)
    {
        foreach (var ((name, e), (_, a)) in expected.NamedParameters().Zip(actual.NamedParameters()))
            Assert.True(e.Span.SequenceEqual(a.Span), $"parameter {name} differs");
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public void Fit_CancelledMidEpochAndAtAnEpochBoundaryThenResumed_IdenticalToUninterruptedRun(string setup)
    {
        var options = Setup(setup);
        var expectedModel = NewModel();
        var expectedTrainer = new Trainer(expectedModel, options);
        var expected = expectedTrainer.Fit(Train, Test);
        Assert.NotNull(expectedTrainer.Scheduler);
        Assert.All(expected.History, m => Assert.NotNull(m.ValidationLoss));

        // Killed twice: in the middle of epoch 2 (step 10) and at the start of epoch 4; resumed each time by a fresh
        // trainer over a model initialised otherwise (the checkpoint must overwrite it).
        var model = NewModel();
        foreach (long stopAt in new long[] { 10, 3 * StepsPerEpoch(options) })
        {
            using var cancellation = new CancellationTokenSource();
            var trainer = new Trainer(model, options with { CheckpointDirectory = _directory });
            trainer.BatchCompleted += m => { if (m.Step == stopAt) cancellation.Cancel(); };
            Assert.True(trainer.Fit(Train, Test, cancellation.Token).Stopped);
            model = NewModel(seed: 999);
        }
        var resumed = new Trainer(model, options with { CheckpointDirectory = _directory }).Fit(Train, Test);

        Assert.False(resumed.Stopped);
        AssertSameHistory(expected.History, resumed.History);
        AssertSameParameters(expectedModel, model);
        Assert.Equal(expected.ValidationIndices, resumed.ValidationIndices);
        Assert.Equal(expected.EarlyStopping, resumed.EarlyStopping);
    }

    private static long StepsPerEpoch(TrainingOptions options)
    {
        int validation = (int)Math.Round(options.ValidationFraction!.Value * Train.Count);
        return (Train.Count - validation + options.BatchSize - 1) / options.BatchSize;
    }

    [Fact]
    public void Fit_CosineScheduleWithWarmup_RecordsTheRateEachEpochTrainedWith()
    {
        var options = Setup("adamw-cosine-warmup");
        var trainer = new Trainer(NewModel(), options);
        Assert.IsType<AdamW>(trainer.Optimizer);
        var history = trainer.Fit(Train).History;

        // PyTorch's SequentialLR(LinearLR(0.25, 1, 2), CosineAnnealingLR(2, 1e-4)) at epochs 0..3.
        double lr = 3e-3f;
        double[] expected = [0.25 * lr, 0.625 * lr, lr, 1e-4 + (lr - 1e-4) * (1 + Math.Cos(Math.PI / 2)) / 2];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], history[i].LearningRate!.Value, 12);
    }

    [Fact]
    public void Fit_EarlyStoppingWithUnreachableImprovement_StopsAfterPatienceAndRecordsWhy()
    {
        // minDelta larger than any loss: only the first epoch improves, so training stops after 1 + patience epochs.
        var options = Options(10) with
        {
            ValidationFraction = 0.125,
            EarlyStopping = new EarlyStoppingConfig { Metric = EarlyStoppingMetric.NegativeElbo, Patience = 2, MinDelta = 1e9 },
            CheckpointDirectory = _directory,
        };
        var result = new Trainer(NewModel(), options).Fit(Train, Test);

        Assert.True(result.StoppedEarly);
        Assert.False(result.Stopped);
        Assert.Equal(3, result.History.Count);
        var record = result.EarlyStopping!;
        Assert.Equal(3, record.StoppedAtEpoch);
        Assert.Equal(1, record.BestEpoch);
        Assert.Equal(result.History[0].ValidationReconstruction + result.History[0].ValidationKl, record.Best);
        Assert.Contains("validation negative-elbo did not improve", record.Reason);
        Assert.True(File.Exists(Path.Combine(_directory, "epoch-0003-batch-000000.safetensors")));

        // Run again over the same folder: it finds the stopped run and trains no further.
        var again = new Trainer(NewModel(seed: 7), options);
        int steps = 0;
        again.BatchCompleted += _ => steps++;
        var rerun = again.Fit(Train, Test);
        Assert.Equal(0, steps);
        Assert.Equal(record, rerun.EarlyStopping);
        Assert.Equal(3, rerun.History.Count);
    }

    [Fact]
    public void Fit_EarlyStoppingThatKeepsImproving_TrainsEveryEpochAndRecordsTheBest()
    {
        var options = Options(3) with { ValidationFraction = 0.125, EarlyStopping = new EarlyStoppingConfig { Patience = 5 } };
        var result = new Trainer(NewModel(), options).Fit(Train);
        Assert.Equal(3, result.History.Count);
        Assert.False(result.StoppedEarly);
        var best = result.History.MinBy(m => m.ValidationLoss!.Value)!;
        Assert.Equal(best.Epoch, result.EarlyStopping!.BestEpoch);
        Assert.Equal(best.ValidationLoss, result.EarlyStopping.Best);
    }

    [Fact]
    public void ValidationSplit_SameSeed_SameImages_OtherSeedOthers_PartsDisjointAndComplete()
    {
        var first = ValidationSplit.Of(Train, 0.1, seed: 3);
        var again = ValidationSplit.Of(Train, 0.1, seed: 3);
        var other = ValidationSplit.Of(Train, 0.1, seed: 4);

        Assert.Equal(first.ValidationIndices, again.ValidationIndices);
        Assert.NotEqual(first.ValidationIndices, other.ValidationIndices);
        Assert.Equal(26, first.Validation.Count); // round(0.1 · 256)
        Assert.Equal(230, first.Train.Count);
        Assert.Equal(first.ValidationIndices.Order(), first.ValidationIndices);
        Assert.Equal(Train.Subset(first.ValidationIndices).Labels.ToArray(), first.Validation.Labels.ToArray());
    }

    [Fact]
    public void Fit_ValidationSplit_TrainsOnTheRestAndRecordsTheIndices()
    {
        var options = Options(1) with { ValidationFraction = 0.25 };
        var trainer = new Trainer(NewModel(), options);
        var result = trainer.Fit(Train);
        Assert.Equal(ValidationSplit.Of(Train, 0.25, 1).ValidationIndices, result.ValidationIndices);
        Assert.Equal(6, result.History[0].Step); // 192 training images in batches of 32
    }

    [Fact]
    public void Fit_NoNewOptions_AdamWithoutScheduleOrSplit()
    {
        var trainer = new Trainer(NewModel(), Options(1));
        Assert.IsType<Adam>(trainer.Optimizer);
        Assert.Null(trainer.Scheduler);
        var result = trainer.Fit(Train);
        Assert.Null(result.ValidationIndices);
        Assert.Null(result.EarlyStopping);
        Assert.Null(result.History[0].ValidationLoss);
        Assert.Null(result.History[0].LearningRate);
    }

    [Theory]
    [InlineData("validation", "ValidationFraction: must be in (0, 1)")]
    [InlineData("early-without-split", "EarlyStopping: watches the validation set, so it needs ValidationFraction")]
    [InlineData("beta", "Optimizer.beta1: must be in [0, 1)")]
    [InlineData("gamma", "LearningRateSchedule.gamma: must be in [0, 1]")]
    [InlineData("patience", "EarlyStopping.patience: must be between 1")]
    public void Validate_BadValue_NamesTheFieldAndTheRange(string what, string message)
    {
        var options = what switch
        {
            "validation" => Options(1) with { ValidationFraction = 1.5 },
            "early-without-split" => Options(1) with { EarlyStopping = new EarlyStoppingConfig() },
            "beta" => Options(1) with { Optimizer = new AdamWConfig { Beta1 = 1f } },
            "gamma" => Options(1) with { LearningRateSchedule = new ExponentialLRConfig { Gamma = 2 } },
            _ => Options(1) with { ValidationFraction = 0.1, EarlyStopping = new EarlyStoppingConfig { Patience = 0 } },
        };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.StartsWith(message, ex.Message);
    }
}
