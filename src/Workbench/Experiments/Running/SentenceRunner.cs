using System.Text.Json;
using Workbench.Data.Text;
using Workbench.Evaluation.Sequences;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.IO;
using Workbench.Models.Sequences;
using Workbench.NN;
using Workbench.Tensors;
using Workbench.Training;
using Workbench.Training.Sequences;

namespace Workbench.Experiments.Running;

/// <summary>
/// One run on sentences into its run folder, as <see cref="ExperimentRunner"/> does for images: the folder's lock and the
/// identity checks first (a finished run is skipped, a changed one refused), then config.json, identity.json and
/// environment.json, training by <see cref="SequenceTrainer"/> with metrics.csv rewritten every epoch (test sentences
/// evaluated after each), the ELBO-components figure, the texts (<see cref="SentenceTexts"/>), model.safetensors, and
/// summary.json last. An interrupted run trains again from its start: the sequence trainer keeps no checkpoint.
/// </summary>
internal sealed class SentenceRunner(RunnerOptions options)
{
    /// <summary>Trains and evaluates <paramref name="run"/> on <paramref name="splits"/> unless it is finished or held by another process.</summary>
    public RunSummary? Run(string experiment, RunSpec run, SequenceSplits splits, FigureFiles figures, CancellationToken cancellation)
    {
        using var started = RunStart.Begin(options, experiment, run);
        if (started is null) return null;
        var (folder, environment) = (started.Folder, started.Environment);
        var d = run.Definition;
        var config = (SentenceModelConfig)d.Model;

        var modelConfig = config.ToModelConfig(splits.Train.Vocabulary.Count);
        var rng = new Rng(d.Training.Seed);
        var vae = config is SequenceVaeVariantConfig ? new SequenceVae(modelConfig, rng) : null;
        var languageModel = vae is null ? new RnnLanguageModel(modelConfig, rng) : null;
        var trainingOptions = new SequenceTrainingOptions
        {
            Epochs = d.Training.Epochs, BatchSize = d.Training.BatchSize, LearningRate = d.Training.LearningRate,
            Seed = d.Training.Seed, ClipGradientNorm = d.Training.ClipGradientNorm, EvaluateEachEpoch = d.Training.EvaluateEachEpoch,
        };
        var trainer = vae is not null ? new SequenceTrainer(vae, trainingOptions) : new SequenceTrainer(languageModel!, trainingOptions);
        var history = new List<EpochMetrics>();
        trainer.EpochCompleted += m =>
        {
            history.Add(ToEpochMetrics(m));
            folder.WriteMetrics(history);
            options.Log.WriteLine($"  {run.Id}: epoch {m.Epoch}/{d.Training.Epochs} train loss {m.TrainLoss:F2} (KL {m.TrainKl:F2}, weight {m.KlWeight:F3}), " +
                                  $"test {(vae is null ? "NLL" : "−ELBO")} {m.ValidationNll:F2} nats/sentence, {m.Seconds:F0} s");
        };
        options.Log.WriteLine($"  {run.Id}: training {config.VariantName} (embedding {modelConfig.EmbeddingSize}, GRUs of {modelConfig.HiddenSize}" +
                              (vae is null ? "" : $", latent {modelConfig.LatentSize}, word dropout {modelConfig.WordDropout:G3}") +
                              $") on {splits.Train.Count} sentences, vocabulary {splits.Train.Vocabulary.Count}, for {d.Training.Epochs} epochs");
        // The test sentences are evaluated after every epoch, as the test images of an image run.
        trainer.Fit(splits.Train, splits.Test, cancellation);
        if (history.Count < d.Training.Epochs)
        {
            options.Log.WriteLine($"  {run.Id}: stopped after {history.Count} epoch(s); the next run of this experiment trains it again from the start");
            return null;
        }

        var title = $"{experiment} / {run.Id}";
        figures.Save(SentenceFigures.ElboFigure(history, $"{title}: ELBO components, nats per sentence"), folder.FiguresDirectory, SentenceFigures.ElboFile);
        var sentences = vae is not null ? EvaluateVae(vae, (SequenceVaeVariantConfig)config, splits, d) : EvaluateLanguageModel(languageModel!, splits);
        var texts = vae is not null ? SentenceTexts.Of(vae, splits.Test, d.Training.Seed) : SentenceTexts.Of(languageModel!, splits.Test.Vocabulary, d.Training.Seed);
        texts.Write(folder, $"{title}: sentences");
        Module model = (Module?)vae ?? languageModel!;
        model.SaveParameters(Path.Combine(folder.Path, "model.safetensors"), new Dictionary<string, string>
        {
            ["config"] = JsonSerializer.Serialize(modelConfig, ExperimentJson.Options),
        });
        var summary = new RunSummary
        {
            Experiment = experiment,
            Run = run.Id,
            Overrides = run.Overrides.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone()),
            Variant = config.VariantName,
            Objective = vae is null ? "nll" : "elbo",
            Beta = double.NaN,
            KlPenalty = vae is null ? "none" : modelConfig.Schedule.Describe(),
            LatentSize = vae?.LatentSize ?? 0,
            Dataset = d.Data.Dataset,
            TrainImages = 0,
            TestImages = 0,
            Epochs = d.Training.Epochs,
            Seed = d.Training.Seed,
            TestLoss = sentences.NllOrBound,
            TestReconstruction = sentences.Reconstruction ?? sentences.LanguageModelNll ?? double.NaN,
            TestKl = sentences.Kl ?? 0,
            TestNegativeElbo = sentences.NegativeElbo ?? sentences.LanguageModelNll ?? double.NaN,
            ImportanceWeightedBound = sentences.ImportanceWeightedBound,
            ImportanceSamples = sentences.ImportanceSamples,
            ActiveUnits = sentences.ActiveUnits ?? 0,
            Activity = [],
            KlPerDimension = [],
            MeanPosteriorSigma = double.NaN,
            Sentences = sentences with { TrainSentences = splits.Train.Count, TrainTokens = splits.Train.TokenCount },
            TrainSeconds = history.Sum(m => m.Seconds),
            Finished = DateTimeOffset.UtcNow,
        };
        folder.WriteJson("environment.json", environment with { Finished = DateTimeOffset.UtcNow });
        folder.WriteJson(RunFolder.SummaryFile, summary); // last: marks the run finished
        options.Log.WriteLine($"  {run.Id}: " + (vae is null
            ? $"test NLL {sentences.LanguageModelNll:F2} nats/sentence, perplexity {sentences.LanguageModelPerplexity:F1}"
            : $"test −ELBO {sentences.NegativeElbo:F2} (rec {sentences.Reconstruction:F2}, KL {sentences.Kl:F2}), " +
              $"IW bound {sentences.ImportanceWeightedBound:F2}, {sentences.ActiveUnits} active units, MI {sentences.MutualInformation:F2}"));
        return summary;
    }

    private static SentenceRunSummary EvaluateVae(SequenceVae model, SequenceVaeVariantConfig config, SequenceSplits splits, ExperimentDefinition d)
    {
        var test = splits.Test;
        var elbo = SequenceEvaluation.Elbo(model, test, seed: d.Training.Seed);
        SequenceBoundEvaluation? iw = null;
        if (d.Evaluation.ImportanceSamples > 0)
        {
            var sentences = d.Evaluation.ImportanceImages is { } n && n < test.Count ? test.Subset(Enumerable.Range(0, n).ToArray()) : test;
            iw = SequenceEvaluation.ImportanceWeighted(model, sentences, d.Evaluation.ImportanceSamples, seed: d.Training.Seed);
        }
        var active = SequenceEvaluation.ActiveUnits(model, test, d.Evaluation.ActiveUnitThreshold);
        return Common(splits, config.WordDropout) with
        {
            Model = config.VariantName,
            KlAnnealing = model.Config.Schedule.Describe(),
            NegativeElbo = elbo.NllBoundPerSentence,
            NegativeElboPerWord = elbo.NllBoundPerWord,
            ElboPerplexity = elbo.Perplexity,
            Reconstruction = elbo.Reconstruction,
            Kl = elbo.Kl,
            ImportanceWeightedBound = iw?.NllBoundPerSentence,
            ImportanceWeightedBoundPerWord = iw?.NllBoundPerWord,
            ImportanceWeightedPerplexity = iw?.Perplexity,
            ImportanceSamples = iw?.Samples,
            ImportanceSentences = iw?.Sentences,
            ActiveUnits = active.Count,
            MutualInformation = SequenceEvaluation.MutualInformation(model, test, seed: d.Training.Seed),
        };
    }

    private static SentenceRunSummary EvaluateLanguageModel(RnnLanguageModel model, SequenceSplits splits)
    {
        var nll = SequenceEvaluation.LanguageModel(model, splits.Test);
        return Common(splits, 0) with
        {
            Model = "rnn-lm",
            LanguageModelNll = nll.NllPerSentence,
            LanguageModelNllPerWord = nll.NllPerWord,
            LanguageModelPerplexity = nll.Perplexity,
        };
    }

    private static SentenceRunSummary Common(SequenceSplits splits, double wordDropout) => new()
    {
        Model = "",
        VocabularySize = splits.Train.Vocabulary.Count,
        TrainSentences = splits.Train.Count,
        TrainTokens = splits.Train.TokenCount,
        TestSentences = splits.Test.Count,
        TestTokens = splits.Test.TokenCount,
        TestPredictedWords = splits.Test.TokenCount + splits.Test.Count,
        WordDropout = wordDropout,
    };

    /// <summary>A sequence epoch as the image runs' <see cref="EpochMetrics"/> (nats per sentence), so metrics.csv and the ELBO figure are the same code.</summary>
    internal static EpochMetrics ToEpochMetrics(SequenceEpochMetrics m)
    {
        double? kl = m.ValidationNll is null ? null : m.ValidationKl ?? 0;
        return new EpochMetrics
        {
            Epoch = m.Epoch, Step = m.Step, TrainLoss = m.TrainLoss, TrainReconstruction = m.TrainReconstruction, TrainKl = m.TrainKl,
            KlWeight = m.KlWeight, TestLoss = m.ValidationNll, TestReconstruction = m.ValidationNll - kl, TestKl = kl,
            KlPerDimension = [], Seconds = m.Seconds,
        };
    }
}
