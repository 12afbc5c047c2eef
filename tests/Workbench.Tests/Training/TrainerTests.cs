using Workbench.Data;
using Workbench.Models;
using Workbench.Models.Kl;
using Workbench.Optim;
using Workbench.Tensors;
using Workbench.Training;
using Workbench.Tests.Support;

namespace Workbench.Tests.Training;

/// <summary>
/// The trainer on 256 Fashion-MNIST images with a 784-16-4 VAE (8 steps per epoch): seeded
/// reproducibility, exact resume from epoch-boundary and mid-epoch checkpoints, divergence handling.
/// </summary>
public sealed class TrainerTests : IDisposable
{
    private static readonly ImageDataset Train = TestData.Fashion(256);
    private static readonly ImageDataset Test = TestData.Fashion(64, offset: 256);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "workbench-trainer-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static VariationalAutoencoder NewModel(ulong seed = 5, VaeConfig? config = null) =>
        VariationalAutoencoder.Create(config ?? TestData.SmallMlp(), new Rng(seed));

    private static TrainingOptions Options(int epochs = 3, ulong seed = 1, string? directory = null) => new()
    {
        Epochs = epochs, BatchSize = 32, LearningRate = 3e-3f, Seed = seed, ShowProgress = false, CheckpointDirectory = directory,
    };

    /// <summary>Every metric except the wall-clock time, exactly.</summary>
    private static void AssertSameHistory(IReadOnlyList<EpochMetrics> expected, IReadOnlyList<EpochMetrics> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.Equal(e with { Seconds = 0, KlPerDimension = [] }, a with { Seconds = 0, KlPerDimension = [] }, MetricsComparer.Instance);
            Assert.Equal(e.KlPerDimension, a.KlPerDimension);
        }
    }

    private sealed class MetricsComparer : IEqualityComparer<EpochMetrics>
    {
        public static readonly MetricsComparer Instance = new();
        public bool Equals(EpochMetrics? x, EpochMetrics? y) =>
            x!.Epoch == y!.Epoch && x.Step == y.Step && x.TrainLoss.Equals(y.TrainLoss) && x.TrainReconstruction.Equals(y.TrainReconstruction)
            && x.TrainKl.Equals(y.TrainKl) && x.KlWeight.Equals(y.KlWeight) && Nullable.Equals(x.KlTarget, y.KlTarget)
            && Nullable.Equals(x.TestLoss, y.TestLoss) && Nullable.Equals(x.TestReconstruction, y.TestReconstruction) && Nullable.Equals(x.TestKl, y.TestKl);
        public int GetHashCode(EpochMetrics obj) => obj.Epoch;
    }

    private static void AssertSameParameters(VariationalAutoencoder expected, VariationalAutoencoder actual)
    {
        foreach (var ((name, e), (_, a)) in expected.NamedParameters().Zip(actual.NamedParameters()))
            Assert.True(e.Span.SequenceEqual(a.Span), $"parameter {name} differs");
    }

    private (VariationalAutoencoder Model, TrainingResult Result) Uninterrupted(TrainingOptions options)
    {
        var model = NewModel();
        return (model, new Trainer(model, options with { CheckpointDirectory = null }).Fit(Train, Test));
    }

    [Fact]
    public void Fit_SameSeed_BitIdenticalMetricsAndParameters()
    {
        var (firstModel, first) = Uninterrupted(Options(epochs: 2));
        var (secondModel, second) = Uninterrupted(Options(epochs: 2));
        AssertSameHistory(first.History, second.History);
        AssertSameParameters(firstModel, secondModel);
        Assert.Equal(2, first.History.Count);
        Assert.Equal(16, first.History[^1].Step);
        Assert.False(first.Stopped);
        Assert.Equal(0, first.ResumedFromEpoch);
    }

    [Fact]
    public void Fit_DifferentSeed_DifferentMetrics()
    {
        var (_, first) = Uninterrupted(Options(epochs: 1, seed: 1));
        var (_, second) = Uninterrupted(Options(epochs: 1, seed: 2));
        Assert.NotEqual(first.History[0].TrainLoss, second.History[0].TrainLoss);
    }

    [Fact]
    public void Fit_FewEpochs_TrainAndTestLossDecrease()
    {
        var (_, result) = Uninterrupted(Options(epochs: 3));
        var history = result.History;
        Assert.True(history[2].TrainLoss < history[0].TrainLoss - 5, $"train loss {history[0].TrainLoss} → {history[2].TrainLoss}");
        Assert.True(history[2].TestLoss < history[0].TestLoss, $"test loss {history[0].TestLoss} → {history[2].TestLoss}");
        Assert.All(history, m => Assert.Equal(m.TrainReconstruction + m.TrainKl, m.TrainLoss, 3));
        Assert.All(history, m => Assert.Equal(m.TestNegativeElbo!.Value, m.TestLoss!.Value, 3));
    }

    [Fact]
    public void Fit_ResumeAfterFirstEpoch_IdenticalToUninterruptedRun()
    {
        var (expectedModel, expected) = Uninterrupted(Options(epochs: 3));

        var firstPart = new Trainer(NewModel(), Options(epochs: 1, directory: _directory)).Fit(Train, Test);
        Assert.Single(firstPart.History);
        Assert.True(File.Exists(Path.Combine(_directory, "epoch-0001-batch-000000.safetensors")));

        var resumedModel = NewModel(seed: 999); // another initialisation: the checkpoint must overwrite it
        var resumed = new Trainer(resumedModel, Options(epochs: 3, directory: _directory)).Fit(Train, Test);
        Assert.Equal(1, resumed.ResumedFromEpoch);
        AssertSameHistory(expected.History, resumed.History);
        AssertSameParameters(expectedModel, resumedModel);
        Assert.Equal(new[] { "epoch-0003-batch-000000.safetensors" }, Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void Fit_CancelledMidEpochThenResumed_IdenticalToUninterruptedRun()
    {
        var options = Options(epochs: 3) with { DynamicBinarization = true };
        var (expectedModel, expected) = Uninterrupted(options);

        using var cancellation = new CancellationTokenSource();
        var trainer = new Trainer(NewModel(), options with { CheckpointDirectory = _directory });
        trainer.BatchCompleted += m => { if (m.Step == 11) cancellation.Cancel(); };
        var stopped = trainer.Fit(Train, Test, cancellation.Token);
        Assert.True(stopped.Stopped);
        Assert.Single(stopped.History);
        Assert.Equal(new[] { "epoch-0001-batch-000003.safetensors" }, Directory.GetFiles(_directory).Select(Path.GetFileName));

        var resumedModel = NewModel(seed: 999);
        var resumedTrainer = new Trainer(resumedModel, options with { CheckpointDirectory = _directory });
        var steps = new List<long>();
        resumedTrainer.BatchCompleted += m => steps.Add(m.Step);
        var resumed = resumedTrainer.Fit(Train, Test);
        Assert.Equal(Enumerable.Range(12, 13).Select(s => (long)s), steps);
        Assert.False(resumed.Stopped);
        AssertSameHistory(expected.History, resumed.History);
        AssertSameParameters(expectedModel, resumedModel);
    }

    public static TheoryData<string> Variants => ["beta-capacity", "cvae-free-bits", "gaussian-learned"];

    private static VaeConfig Variant(string name) => name switch
    {
        "beta-capacity" => new VaeConfig { HiddenSizes = [16], LatentSize = 4, KlPenalty = new CapacityAnnealing(Gamma: 20f, MaxCapacity: 5f) },
        "cvae-free-bits" => new ConditionalVaeConfig
        {
            HiddenSizes = [16], LatentSize = 4, KlPenalty = new FreeBits(0.25f, new CyclicalAnnealing(Beta: 1f, Cycles: 2, Ratio: 0.5)),
        },
        _ => TestData.SmallMlp() with { Likelihood = LikelihoodKind.GaussianLearnedVariance },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Fit_VariantCancelledMidEpochThenResumed_IdenticalToUninterruptedRun(string variant)
    {
        var config = Variant(variant);
        var options = Options(epochs: 2);
        var expectedModel = NewModel(config: config);
        var expected = new Trainer(expectedModel, options).Fit(Train, Test);

        using var cancellation = new CancellationTokenSource();
        var trainer = new Trainer(NewModel(config: config), options with { CheckpointDirectory = _directory });
        trainer.BatchCompleted += m => { if (m.Step == 5) cancellation.Cancel(); };
        Assert.True(trainer.Fit(Train, Test, cancellation.Token).Stopped);

        var resumedModel = NewModel(seed: 999, config: config);
        var resumed = new Trainer(resumedModel, options with { CheckpointDirectory = _directory }).Fit(Train, Test);
        AssertSameHistory(expected.History, resumed.History);
        AssertSameParameters(expectedModel, resumedModel);
        Assert.All(expected.History, m => Assert.True(double.IsFinite(m.TrainLoss)));
        if (variant == "beta-capacity") Assert.Equal(5.0 * 15 / 16, expected.History[^1].KlTarget!.Value, 5); // C at the last step (15 of 16)
    }

    [Theory]
    [InlineData(2UL, 32, false)]
    [InlineData(1UL, 64, false)]
    [InlineData(1UL, 32, true)]
    public void Fit_ResumeWithOtherDataOptions_ThrowsNamingBoth(ulong seed, int batchSize, bool binarize)
    {
        using var cancellation = new CancellationTokenSource();
        var trainer = new Trainer(NewModel(), Options(epochs: 2, directory: _directory));
        trainer.BatchCompleted += m => { if (m.Step == 3) cancellation.Cancel(); };
        trainer.Fit(Train, cancellation: cancellation.Token);

        var other = Options(epochs: 2, seed: seed, directory: _directory) with { BatchSize = batchSize, DynamicBinarization = binarize };
        var error = Assert.Throws<InvalidDataException>(() => new Trainer(NewModel(), other).Fit(Train));
        Assert.Contains("seed 1, batch size 32, dynamic binarization False", error.Message);
        Assert.Contains($"seed {seed}, batch size {batchSize}, dynamic binarization {binarize}", error.Message);
    }

    [Fact]
    public void Fit_ResumeFalse_StartsAfresh()
    {
        new Trainer(NewModel(), Options(epochs: 1, directory: _directory)).Fit(Train);
        var result = new Trainer(NewModel(), Options(epochs: 1, directory: _directory) with { Resume = false }).Fit(Train);
        Assert.Equal(0, result.ResumedFromEpoch);
        Assert.Single(result.History);
    }

    [Fact]
    public void Fit_CheckpointOfAnotherConfiguration_ThrowsNamingBoth()
    {
        new Trainer(NewModel(), Options(epochs: 1, directory: _directory)).Fit(Train);
        var other = NewModel(config: TestData.SmallMlp(latent: 3));
        var error = Assert.Throws<InvalidDataException>(() => new Trainer(other, Options(epochs: 2, directory: _directory)).Fit(Train));
        Assert.Contains("another model configuration", error.Message);
    }

    [Fact]
    public void Fit_NaNInjectedAfterFirstEpoch_ThrowsNamingEpochStepAndGoodCheckpoint()
    {
        var model = NewModel();
        var trainer = new Trainer(model, Options(epochs: 3, directory: _directory));
        trainer.EpochCompleted += m => { if (m.Epoch == 1) model.Parameter("encoder.fc_mu.bias").Span[0] = float.NaN; };
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Train));
        string checkpoint = Path.Combine(_directory, "epoch-0001-batch-000000.safetensors");
        Assert.Contains("NaN", error.Message);
        Assert.Contains("epoch 2, step 9", error.Message);
        Assert.Contains(checkpoint, error.Message);

        var reloaded = NewModel(seed: 77);
        var state = TrainingCheckpoint.Load(checkpoint, reloaded, new Adam(reloaded.Parameters()));
        Assert.Equal(1, state.Epoch);
        Assert.Equal(8, state.Step);
        Assert.All(reloaded.Parameters(), p => Assert.True(p.ToArray().All(float.IsFinite)));
    }

    [Fact]
    public void Fit_ParameterNaNAtLastStepOfEpoch_KeepsThePreviousCheckpoint()
    {
        // The loss of step 16 is finite, but its update leaves a NaN: the epoch-2 checkpoint must not
        // replace the good epoch-1 one.
        var model = NewModel();
        var trainer = new Trainer(model, Options(epochs: 3, directory: _directory));
        trainer.BatchCompleted += m => { if (m.Step == 16) model.Parameter("decoder.2.weight").Span[3] = float.PositiveInfinity; };
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Train));
        string good = Path.Combine(_directory, "epoch-0001-batch-000000.safetensors");
        Assert.Contains("decoder.2.weight", error.Message);
        Assert.Contains("epoch 2", error.Message);
        Assert.Contains(good, error.Message);
        Assert.Equal(new[] { good }, Directory.GetFiles(_directory));
        var reloaded = NewModel(seed: 77);
        TrainingCheckpoint.Load(good, reloaded, new Adam(reloaded.Parameters()));
        Assert.All(reloaded.Parameters(), p => Assert.True(p.ToArray().All(float.IsFinite)));
    }

    [Fact]
    public void Fit_LossOverflowsAtFirstStep_ThrowsDivergedWithoutCheckpoint()
    {
        var model = NewModel();
        model.Parameter("decoder.2.bias").Span.Fill(float.MaxValue); // logits overflow at the first step
        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer(model, Options(epochs: 1)).Fit(Train));
        Assert.Contains("epoch 1, step 1", error.Message);
        Assert.Contains("No checkpoint was written", error.Message);
    }

    [Fact]
    public void Fit_WrongImageSize_ThrowsNamingBothShapes()
    {
        var small = TestData.Synthetic(1, 20, 10, 10);
        var error = Assert.Throws<ArgumentException>(() => new Trainer(NewModel(), Options()).Fit(small));
        Assert.Contains("100 values (10×10)", error.Message);
        Assert.Contains("784", error.Message);
    }

    [Fact]
    public void Fit_WarmupSchedule_WeightRisesFromZeroToBetaOverTheRun()
    {
        var config = TestData.SmallMlp() with { KlPenalty = new WeightedKl(new LinearWarmup(Beta: 1f, WarmupFraction: 0.5)) };
        var weights = new List<double>();
        var trainer = new Trainer(NewModel(config: config), Options(epochs: 2));
        trainer.BatchCompleted += m => weights.Add(m.KlWeight);
        var result = trainer.Fit(Train);
        var expected = Enumerable.Range(0, 16).Select(step => Math.Min(1.0, step / 16.0 / 0.5)).ToArray();
        Assert.Equal(expected, weights.ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(1.0, result.History[^1].KlWeight);
        Assert.Equal(0.875, result.History[0].KlWeight, 6);
    }

    [Fact]
    public void Seeds_DynamicBinarizationStreams_NeverCoincideWithTheEpochNoiseStream()
    {
        foreach (ulong seed in new ulong[] { 0, 1, 42 })
            for (int epoch = 1; epoch <= 5; epoch++)
            {
                ulong noise = Trainer.NoiseSeed(seed, epoch);
                for (int index = 0; index < 2000; index++)
                    Assert.NotEqual(noise, SeedMix.Combine(Trainer.BinarizationSeed(seed), epoch, index));
            }
    }

    [Fact]
    public void Options_InvalidValues_ThrowNamingTheField()
    {
        Assert.Contains("Epochs", Assert.Throws<ArgumentException>(() => new Trainer(NewModel(), Options(epochs: 0))).Message);
        Assert.Contains("LearningRate", Assert.Throws<ArgumentException>(() => new Trainer(NewModel(), Options() with { LearningRate = float.NaN })).Message);
        Assert.Contains("BatchSize", Assert.Throws<ArgumentException>(() => new Trainer(NewModel(), Options() with { BatchSize = 0 })).Message);
    }
}
