using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Tensors;
using Workbench.Training;
using Workbench.Tests.Support;

namespace Workbench.Tests.Training;

/// <summary>
/// Training a model with dropout: the masks come from the trainer's checkpointed stream, so the same seed
/// and thread count give the same bits and a run cancelled mid-epoch resumes exactly; evaluation runs
/// without dropout.
/// </summary>
public sealed class DropoutTrainingTests : IDisposable
{
    private static readonly ImageDataset Train = TestData.Fashion(256);
    private static readonly ImageDataset Test = TestData.Fashion(64, offset: 256);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "workbench-dropout-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static VariationalAutoencoder NewModel(double dropout = 0.2, ulong seed = 5) =>
        VariationalAutoencoder.Create(TestData.SmallMlp() with { Dropout = dropout }, new Rng(seed));

    private static TrainingOptions Options(string? directory = null) => new()
    {
        Epochs = 3, BatchSize = 32, LearningRate = 3e-3f, Seed = 1, ShowProgress = false, CheckpointDirectory = directory,
    };

    private static float[][] Parameters(VariationalAutoencoder model) => model.Parameters().Select(p => p.ToArray()).ToArray();

    private static double[] Losses(TrainingResult result) => result.History.SelectMany(m => new[] { m.TrainLoss, m.TestLoss!.Value }).ToArray();

    [Fact]
    public void Fit_WithDropout_SameSeedTwice_GivesTheSameBits()
    {
        var first = NewModel();
        var second = NewModel();
        var firstResult = new Trainer(first, Options()).Fit(Train, Test);
        var secondResult = new Trainer(second, Options()).Fit(Train, Test);

        Assert.Equal(Parameters(first), Parameters(second));
        Assert.Equal(Losses(firstResult), Losses(secondResult));
    }

    [Fact]
    public void Fit_WithDropout_DrawsMasksThatChangeTheRun()
    {
        var dropped = NewModel(dropout: 0.2);
        var plain = NewModel(dropout: 0);
        new Trainer(dropped, Options() with { Epochs = 1 }).Fit(Train);
        new Trainer(plain, Options() with { Epochs = 1 }).Fit(Train);
        Assert.NotEqual(Parameters(plain)[0], Parameters(dropped)[0]);
    }

    [Fact]
    public void Fit_WithDropout_CancelledMidEpochThenResumed_EndsBitForBitAsTheUninterruptedRun()
    {
        var expectedModel = NewModel();
        var expected = new Trainer(expectedModel, Options()).Fit(Train, Test);

        using var cancellation = new CancellationTokenSource();
        var trainer = new Trainer(NewModel(), Options(_directory));
        trainer.BatchCompleted += m => { if (m.Step == 11) cancellation.Cancel(); };
        Assert.True(trainer.Fit(Train, Test, cancellation.Token).Stopped);
        // Mid-epoch: the checkpoint holds the stream's state three batches into epoch 2, masks drawn included.
        Assert.Equal(["epoch-0001-batch-000003.safetensors"], Directory.GetFiles(_directory).Select(Path.GetFileName));

        var resumedModel = NewModel(seed: 999);
        var resumed = new Trainer(resumedModel, Options(_directory)).Fit(Train, Test);

        Assert.Equal(1, resumed.ResumedFromEpoch);
        Assert.Equal(Parameters(expectedModel), Parameters(resumedModel));
        Assert.Equal(Losses(expected), Losses(resumed));
    }

    [Fact]
    public void Fit_WithDropout_TestEvaluationRunsWithoutDropout_AndTrainingModeIsKept()
    {
        var model = NewModel();
        var result = new Trainer(model, Options() with { Epochs = 1 }).Fit(Train, Test);
        Assert.True(model.Training);

        model.Eval();
        var again = Evaluator.Elbo(model, Test, seed: 1); // outside any trainer: no stream is needed in evaluation mode
        Assert.Equal(result.History[0].TestLoss, again.Loss);
        Assert.False(model.Training);
    }

    [Fact]
    public void Forward_WithDropoutInTrainingModeOutsideATrainer_NeedsAStream()
    {
        var model = NewModel();
        var images = TestData.Pixels(2, 4, 784);
        var error = Assert.Throws<InvalidOperationException>(() => model.Forward(images, new Rng(1)));
        Assert.Contains("ForwardRandom", error.Message);

        float First()
        {
            using var random = ForwardRandom.Use(new Rng(7));
            return model.Forward(images, new Rng(1)).Loss.Item();
        }
        Assert.Equal(First(), First());
    }
}
