using Workbench.Data;
using Workbench.Experiments.RunFolders;
using Workbench.Models;
using Workbench.Models.Adversarial;
using Workbench.Optim;
using Workbench.Tensors;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Training;

/// <summary>
/// The trainer with a model that runs its own step (<see cref="ICustomTrainingStep"/>, here the VAE–GAN): reproducible by seed,
/// resumed exactly from a mid-epoch checkpoint (all three optimizers' states and the partial sums of the extra terms), and
/// the three losses per epoch in the history and metrics.csv.
/// </summary>
public sealed class VaeGanTrainingTests : IDisposable
{
    private static readonly ImageDataset Train = TestData.Fashion(96);
    private static readonly ImageDataset Test = TestData.Fashion(32, offset: 96);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "workbench-vaegan-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static VaeGan NewModel(ulong seed = 5) =>
        (VaeGan)new VaeGanConfig { ConvChannels = [4, 8], LatentSize = 3, DiscriminatorChannels = [4, 8] }.Build(new Rng(seed));

    private static TrainingOptions Options(int epochs = 2, ulong seed = 1) => new()
    {
        Epochs = epochs, BatchSize = 32, Seed = seed, ShowProgress = false,
    };

    private static void AssertSameParameters(VariationalAutoencoder expected, VariationalAutoencoder actual)
    {
        foreach (var ((name, e), (_, a)) in expected.NamedParameters().Zip(actual.NamedParameters()))
            Assert.True(e.Span.SequenceEqual(a.Span), $"parameter {name} differs");
    }

    private static void AssertSameHistory(IReadOnlyList<EpochMetrics> expected, IReadOnlyList<EpochMetrics> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].TrainLoss, actual[i].TrainLoss);
            Assert.Equal(expected[i].TestLoss, actual[i].TestLoss);
            Assert.Equal(expected[i].Terms!, actual[i].Terms!);
        }
    }

    [Fact]
    public void Fit_SameSeed_SameBitsAndAnotherSeedDiffers()
    {
        var first = NewModel();
        var a = new Trainer(first, Options()).Fit(Train, Test);
        var second = NewModel();
        var b = new Trainer(second, Options()).Fit(Train, Test);
        AssertSameHistory(a.History, b.History);
        AssertSameParameters(first, second);

        var third = NewModel();
        var c = new Trainer(third, Options(seed: 2)).Fit(Train, Test);
        Assert.NotEqual(a.History[^1].TrainLoss, c.History[^1].TrainLoss);
    }

    [Fact]
    public void Fit_CancelledMidEpochThenResumed_IdenticalToUninterruptedRun()
    {
        var expectedModel = NewModel();
        var expected = new Trainer(expectedModel, Options()).Fit(Train, Test);

        using var cancellation = new CancellationTokenSource();
        var trainer = new Trainer(NewModel(), Options() with { CheckpointDirectory = _directory });
        trainer.BatchCompleted += m => { if (m.Step == 4) cancellation.Cancel(); }; // one batch into epoch 2
        Assert.True(trainer.Fit(Train, Test, cancellation.Token).Stopped);
        Assert.Equal(["epoch-0001-batch-000001.safetensors"], Directory.GetFiles(_directory).Select(Path.GetFileName));
        var saved = SafeTensorsKeys(Directory.GetFiles(_directory)[0]);
        Assert.Contains("optimizer.discriminator.rmsprop.square_avg.0", saved);
        Assert.Contains("optimizer.decoder.rmsprop.step", saved);

        var resumedModel = NewModel(seed: 999);
        var resumed = new Trainer(resumedModel, Options() with { CheckpointDirectory = _directory }).Fit(Train, Test);
        AssertSameHistory(expected.History, resumed.History);
        AssertSameParameters(expectedModel, resumedModel);
    }

    private static IEnumerable<string> SafeTensorsKeys(string path) => Workbench.IO.SafeTensors.Load(path).Tensors.Keys;

    [Fact]
    public void Fit_History_HasTheThreeLossesPerEpochAndMetricsCsvColumns()
    {
        var result = new Trainer(NewModel(), Options()).Fit(Train, Test);
        foreach (var epoch in result.History)
        {
            Assert.Equal(epoch.Terms!["gan"], epoch.Terms["discriminator_loss"], 10);
            Assert.InRange(epoch.Terms["discriminator_updated"], 0, 1);
            Assert.Equal(1.0, epoch.Terms["decoder_updated"] + epoch.Terms["discriminator_updated"] >= 1 ? 1.0 : 0.0); // the rule never holds back both
            Assert.True(double.IsFinite(epoch.Terms["encoder_loss"]) && double.IsFinite(epoch.Terms["decoder_loss"]));
        }
        var csv = RunFolder.MetricsCsv(result.History).Split('\n');
        var header = csv[0].Trim().Split(',');
        int column = Array.IndexOf(header, "train_discriminator_loss");
        Assert.True(column > 0, "metrics.csv has a train_discriminator_loss column");
        Assert.Contains("train_encoder_loss", header);
        Assert.Contains("train_decoder_loss", header);
        Assert.Equal(result.History[1].Terms!["discriminator_loss"], double.Parse(csv[2].Split(',')[column], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Trainer_ModelWithItsOwnStepAndAnOptimizer_ThrowsSayingToLeaveItOut()
    {
        var model = NewModel();
        var e = Assert.Throws<ArgumentException>(() => new Trainer(model, Options(), new Adam(model.Parameters(), 1e-3f)));
        Assert.Contains("own training step", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Trainer(model, Options() with { ClipGradientNorm = 1 }));
        Assert.Contains("gradient clipping", e.Message);
    }
}
