using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Notebooks;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Notebooks;

/// <summary>A notebook trains a model with dropout through the same trainer, stream and checkpoints as the CLI.</summary>
[Collection(nameof(LabRunLoggingTests))] // Lab's results root is process-wide
public class LabDropoutTests
{
    private static readonly VaeConfig Config = new() { HiddenSizes = [32], LatentSize = 2, Dropout = 0.2 };
    private static TrainingOptions Options => new() { Epochs = 2, BatchSize = 50, Seed = 3 };

    [Fact]
    public void Train_ConfigWithDropout_LoggedRunsOfOneSeedAreIdentical_AndTheModelComesBackInEvalMode()
    {
        var (train, test) = Lab.LoadFashionMnistSubset(300, 100);
        LabRun TrainInto(string root)
        {
            Lab.LogRunsTo("dropout", root);
            return Lab.Train(Config, Options, train, test, name: "dropout");
        }
        using var first = new TempDirectory();
        using var second = new TempDirectory();

        var a = TrainInto(first.Path);
        var b = TrainInto(second.Path);

        Assert.Equal(a.Test!.NegativeElbo, b.Test!.NegativeElbo);
        Assert.Equal(a.History.Select(m => m.TrainLoss), b.History.Select(m => m.TrainLoss));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a.Folder!, "model.safetensors")), File.ReadAllBytes(Path.Combine(b.Folder!, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(a.Folder!, "images", "reconstructions.png")));
        Assert.False(a.Model.Training);
    }

    [Fact]
    public void Train_InMemoryWithDropout_ModelIsInEvalModeAndDrawsPicturesWithoutAStream()
    {
        var (train, _) = Lab.LoadFashionMnistSubset(300, 100);
        var run = Lab.Train(Config, Options, train);
        Assert.False(run.Model.Training);
        var first = Pictures.ReconstructionPairs(run.Model, train, count: 4);
        var again = Pictures.ReconstructionPairs(run.Model, train, count: 4);
        Assert.Equal(first.ToArray(), again.ToArray()); // evaluation: no mask
    }
}
