using Workbench.Evaluation.Sequences;
using Workbench.Models.Sequences;
using Workbench.Tensors;
using Workbench.Training.Sequences;

namespace Workbench.Tests.Models.Sequences;

public class SequenceEvaluationTests
{
    private static readonly Lazy<(Workbench.Data.Text.SequenceSplits Splits, SequenceVae Model)> Trained = new(() =>
    {
        var splits = SyntheticCorpus.Splits(1000);
        var model = new SequenceVae(new SequenceVaeConfig(splits.Vocabulary.Count, 16, 32, 4, WordDropout: 0.5,
            KlAnnealing: new Workbench.Models.Kl.ConstantKlWeight(1f)), new Rng(2));
        new SequenceTrainer(model, new SequenceTrainingOptions { Epochs = 2, BatchSize = 32, LearningRate = 3e-3f }).Fit(splits.Train);
        return (splits, model);
    });

    [Fact]
    public void ImportanceWeighted_OneSample_EqualsTheMonteCarloElboOfTheSameNoise()
    {
        var (splits, model) = Trained.Value;
        var data = splits.Validation;
        var bounds = SequenceEvaluation.ImportanceWeightedPerSentence(model, data, samples: 1, seed: 9, batchSize: 64);
        // The same draws by hand: one batch of 64 sentences at a time, ε (B, L) from Rng(9), L_1 = log p(x|z) + log p(z) − log q(z|x).
        var rng = new Rng(9);
        model.Eval();
        int index = 0;
        using (GradMode.NoGrad())
            foreach (var batch in SequenceBatches.InOrder(data, 64))
            {
                var posterior = model.Encode(batch);
                var z = posterior.Sample(Tensor.Randn(rng, batch.Size, model.LatentSize));
                var reconstruction = model.ReconstructionNll(batch, z).ToArray();
                var logQ = posterior.LogDensity(z).ToArray();
                var zs = z.ToArray();
                for (int b = 0; b < batch.Size; b++, index++)
                {
                    double logPrior = -model.LatentSize * 0.5 * Math.Log(2 * Math.PI);
                    for (int d = 0; d < model.LatentSize; d++) logPrior -= 0.5 * zs[b * model.LatentSize + d] * zs[b * model.LatentSize + d];
                    Assert.Equal(-reconstruction[b] + logPrior - logQ[b], bounds[index], 3);
                }
            }
        model.Train();
        // On average the Monte-Carlo KL agrees with the closed form: L_1 is the ELBO up to sampling noise.
        var elbo = SequenceEvaluation.Elbo(model, data, seed: 9);
        Assert.InRange(-bounds.Average(), elbo.NllBoundPerSentence - 0.5, elbo.NllBoundPerSentence + 0.5);
    }

    [Fact]
    public void ImportanceWeighted_MoreSamples_TheBoundRisesOnAverage()
    {
        var (splits, model) = Trained.Value;
        double Mean(int k) => SequenceEvaluation.ImportanceWeightedPerSentence(model, splits.Validation, k, seed: 4, maxRows: 512).Average();
        double l1 = Mean(1), l5 = Mean(5), l50 = Mean(50);
        Assert.True(l1 <= l5 + 0.05 && l5 <= l50 + 0.05, $"L_1 {l1:F3}, L_5 {l5:F3}, L_50 {l50:F3}");
        Assert.True(l50 > l1, $"L_50 {l50:F3} should exceed L_1 {l1:F3}");
        var evaluation = SequenceEvaluation.ImportanceWeighted(model, splits.Validation, 50, seed: 4, maxRows: 512);
        Assert.Equal(-l50, evaluation.NllBoundPerSentence, 6);
        Assert.Equal(splits.Validation.TokenCount + splits.Validation.Count, evaluation.Words);
        Assert.Equal(Math.Exp(evaluation.NllBoundPerSentence * evaluation.Sentences / evaluation.Words), evaluation.Perplexity, 9);
    }

    [Fact]
    public void MutualInformation_OneDimensionalPosteriors_MatchesNumericalIntegration()
    {
        // Three posteriors N(μ_i, σ_i²) in one dimension: I(x; z) = (1/N) Σ_i ∫ q_i(z) log(q_i(z) / q(z)) dz on a fine grid.
        float[] mean = [-1.5f, 0.2f, 1.0f];
        float[] logVariance = [-1.0f, -0.4f, -2.0f];
        double exact = 0, step = 1e-3;
        for (double z = -10; z <= 10; z += step)
        {
            var densities = mean.Select((m, i) => Math.Exp(-0.5 * (z - m) * (z - m) / Math.Exp(logVariance[i])) / Math.Sqrt(2 * Math.PI * Math.Exp(logVariance[i]))).ToArray();
            double aggregate = densities.Average();
            foreach (var q in densities) if (q > 0) exact += q * Math.Log(q / aggregate) * step / mean.Length;
        }
        Assert.InRange(exact, 0, Math.Log(3));
        double estimate = SequenceEvaluation.MutualInformation(mean, logVariance, 1, new Rng(1), samplesPerRow: 20000);
        Assert.Equal(exact, estimate, 2);
    }

    [Fact]
    public void MutualInformation_IdenticalOrSeparatedPosteriors_NearZeroOrNearLogN()
    {
        float[] same = [0.3f, 0.3f, 0.3f, 0.3f];
        float[] sameLogVariance = [0f, 0f, 0f, 0f];
        // I = 0 exactly; the estimate's noise over 8,000 draws is about √(½ / 8000) ≈ 0.008 nats.
        Assert.InRange(SequenceEvaluation.MutualInformation(same, sameLogVariance, 1, new Rng(2), 2000), -0.025, 0.025);
        float[] apart = [-30f, -10f, 10f, 30f];
        Assert.InRange(SequenceEvaluation.MutualInformation(apart, sameLogVariance, 1, new Rng(2), 2000), Math.Log(4) - 0.025, Math.Log(4) + 0.025);
    }

    [Fact]
    public void MutualInformation_TrainedModel_BetweenZeroAndLogN()
    {
        var (splits, model) = Trained.Value;
        // 50 draws per sentence: the estimate's noise is about √(L/2 / (N·50)) ≈ 0.02 nats, so it may dip that far below 0.
        double information = SequenceEvaluation.MutualInformation(model, splits.Validation, seed: 1, samplesPerSentence: 50);
        Assert.InRange(information, -0.06, Math.Log(splits.Validation.Count));
    }

    [Fact]
    public void ActiveUnits_CountsDimensionsWhoseMeanVariesAsTheImageVersion()
    {
        var (splits, model) = Trained.Value;
        var data = splits.Validation;
        var units = SequenceEvaluation.ActiveUnits(model, data, batchSize: 37);
        // By hand: the unbiased variance of μ_d over all sentences encoded at once.
        model.Eval();
        float[] mean;
        using (GradMode.NoGrad()) mean = model.Encode(SequenceBatches.Of(data, Enumerable.Range(0, data.Count).ToArray())).Mean.ToArray();
        model.Train();
        int n = data.Count, latent = model.LatentSize;
        for (int d = 0; d < latent; d++)
        {
            var values = Enumerable.Range(0, n).Select(i => (double)mean[i * latent + d]).ToArray();
            double average = values.Average();
            double variance = values.Sum(v => (v - average) * (v - average)) / (n - 1);
            Assert.Equal(variance, units.Activity[d], 4);
        }
        Assert.Equal(units.Activity.Count(a => a > 0.01), units.Count);
        Assert.Equal(0.01, units.Threshold);
    }

    [Fact]
    public void LanguageModel_PerWordCountsTheEndOfEachSentence()
    {
        var splits = SyntheticCorpus.Splits(300);
        var model = new RnnLanguageModel(new SequenceVaeConfig(splits.Vocabulary.Count, 8, 8, 2), new Rng(1));
        var evaluation = SequenceEvaluation.LanguageModel(model, splits.Validation, batchSize: 7);
        var whole = model.Forward(SequenceBatches.Of(splits.Validation, Enumerable.Range(0, splits.Validation.Count).ToArray()));
        Assert.Equal(whole.Loss.Item(), evaluation.NllPerSentence, 3);
        Assert.Equal(splits.Validation.TokenCount + splits.Validation.Count, evaluation.Words);
        Assert.Equal(Math.Exp(evaluation.NllPerWord), evaluation.Perplexity, 9);
        // An untrained model is close to uniform over the V − 2 ids it can predict: perplexity near that count.
        Assert.InRange(evaluation.Perplexity, 0.5 * splits.Vocabulary.Count, 2.0 * splits.Vocabulary.Count);
    }
}

public class SequenceGenerationTests
{
    [Fact]
    public void Generation_TrainedOnAGrammar_ReconstructsAndSamplesItsSentences()
    {
        var splits = SyntheticCorpus.Splits(1000);
        var model = new SequenceVae(new SequenceVaeConfig(splits.Vocabulary.Count, 16, 32, 4, KlAnnealing: new Workbench.Models.Kl.ConstantKlWeight(0.2f)), new Rng(2));
        new SequenceTrainer(model, new SequenceTrainingOptions { Epochs = 4, BatchSize = 32, LearningRate = 5e-3f }).Fit(splits.Train);
        var prior = SequenceGeneration.FromPrior(model, splits.Vocabulary, 5, new Rng(1));
        Assert.Equal(5, prior.Length);
        Assert.All(prior, s => Assert.StartsWith("the ", s)); // every sentence of the grammar starts with "the"
        var greedy = SequenceGeneration.Reconstructions(model, splits.Test, [0, 1, 2]);
        var sampled = SequenceGeneration.Reconstructions(model, splits.Test, [0, 1, 2], new Rng(3));
        Assert.Equal(3, greedy.Length);
        Assert.Equal(sampled, SequenceGeneration.Reconstructions(model, splits.Test, [0, 1, 2], new Rng(3)));
        var path = SequenceGeneration.Homotopy(model, splits.Test, 0, 1, points: 5);
        Assert.Equal(5, path.Length);
        Assert.Equal(greedy[0], path[0]);
        Assert.Equal(greedy[1], path[^1]);
        Assert.True(model.Training, "the model's mode is restored");
    }
}
