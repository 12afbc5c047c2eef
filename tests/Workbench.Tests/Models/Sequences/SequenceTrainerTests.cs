using Workbench.Models.Kl;
using Workbench.Models.Sequences;
using Workbench.Tensors;
using Workbench.Training.Sequences;

namespace Workbench.Tests.Models.Sequences;

public class SequenceTrainerTests
{
    private static SequenceVaeConfig Small(int vocabulary, double wordDropout = 0.25) =>
        new(vocabulary, EmbeddingSize: 16, HiddenSize: 32, LatentSize: 4, WordDropout: wordDropout, KlAnnealing: new LinearWarmup(1f, 0.5));

    private static SequenceTrainingOptions Options(int epochs, ulong seed = 3) => new() { Epochs = epochs, BatchSize = 32, LearningRate = 3e-3f, Seed = seed };

    [Fact]
    public void Fit_SmallCorpusThreeEpochs_LowersTheValidationNll()
    {
        var splits = SyntheticCorpus.Splits();
        var model = new SequenceVae(Small(splits.Vocabulary.Count), new Rng(1));
        double before = Workbench.Evaluation.Sequences.SequenceEvaluation.Elbo(model, splits.Validation, seed: 3).NllBoundPerSentence;
        var history = new SequenceTrainer(model, Options(3)).Fit(splits.Train, splits.Validation);
        Assert.Equal(3, history.Count);
        Assert.True(history[^1].ValidationNll < before - 5, $"validation −ELBO {before:F2} → {history[^1].ValidationNll:F2} nats per sentence");
        Assert.True(history[^1].ValidationNll < history[0].ValidationNll);
        Assert.Equal(3L * ((splits.Train.Count + 31) / 32), history[^1].Step);
        Assert.Equal(1.0, history[^1].KlWeight, 1); // the warm-up is over by the last epoch
    }

    [Fact]
    public void Fit_LanguageModel_LowersTheValidationNll()
    {
        var splits = SyntheticCorpus.Splits();
        var model = new RnnLanguageModel(Small(splits.Vocabulary.Count), new Rng(1));
        double before = Workbench.Evaluation.Sequences.SequenceEvaluation.LanguageModel(model, splits.Validation).NllPerSentence;
        var history = new SequenceTrainer(model, Options(2)).Fit(splits.Train, splits.Validation);
        Assert.True(history[^1].ValidationNll < before - 5, $"validation NLL {before:F2} → {history[^1].ValidationNll:F2} nats per sentence");
        Assert.Equal(0, history[^1].TrainKl);
    }

    [Fact]
    public void TrainEpoch_SameSeed_SameParametersBitForBit_OtherSeedDiffers()
    {
        var splits = SyntheticCorpus.Splits(600);
        float[] Train(ulong seed)
        {
            var model = new SequenceVae(Small(splits.Vocabulary.Count), new Rng(1));
            var trainer = new SequenceTrainer(model, Options(2, seed));
            trainer.TrainEpoch(splits.Train, 1);
            trainer.TrainEpoch(splits.Train, 2);
            return model.Parameters().SelectMany(p => p.ToArray()).ToArray();
        }
        var first = Train(3);
        Assert.Equal(first, Train(3));
        Assert.NotEqual(first, Train(4));
    }

    [Fact]
    public void Options_OutOfRange_NamesTheSetting()
    {
        Assert.Contains("batchSize", Assert.Throws<ArgumentException>(() => new SequenceTrainingOptions { BatchSize = 0 }.Validate()).Message);
        Assert.Contains("clipGradientNorm", Assert.Throws<ArgumentException>(() => new SequenceTrainingOptions { ClipGradientNorm = -1 }.Validate()).Message);
    }
}
