using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Data.Text;
using Workbench.Evaluation.Sequences;
using Workbench.Models;
using Workbench.Models.Sequences;
using Workbench.Notebooks;
using Workbench.Tensors;
using Workbench.Training.Sequences;

namespace Workbench.Tests.Notebooks;

/// <summary>Lab's sentence helpers (Lab.Sequences.cs): training with a step log and progress, bounds, decoded sentences, the chart.</summary>
[Collection(nameof(LabRunLoggingTests))] // Lab's live display is process-wide
public sealed partial class LabSequencesTests
{
    private static readonly string[] Subjects = ["a cat", "the dog", "an old man", "a small bird", "the river", "a red car"];
    private static readonly string[] Verbs = ["sees", "follows", "finds", "hears", "likes"];
    private static readonly string[] Objects = ["the house", "a tree", "the sea", "a song", "the road", "an apple", "the moon"];

    /// <summary>210 distinct short sentences, split 90/5/5 and encoded with every word in the vocabulary.</summary>
    private static SequenceSplits Corpus() =>
        SequenceData.FromSentences(Subjects.SelectMany(s => Verbs.SelectMany(v => Objects.Select(o => $"{s} {v} {o} .")) ).ToList(),
            new SequenceDataOptions { MinimumCount = 1 });

    private static readonly SequenceTrainingOptions Options = new() { Epochs = 2, BatchSize = 32, Seed = 5, EvaluateEachEpoch = false };

    private static SequenceVaeConfig Config(SequenceDataset train, double wordDropout = 0.25) =>
        new(train.Vocabulary.Count, EmbeddingSize: 8, HiddenSize: 12, LatentSize: 4, WordDropout: wordDropout,
            KlAnnealing: Lab.KlAnnealingOver(train, Options));

    private static T Quietly<T>(Func<T> action)
    {
        var previous = Console.Out;
        Console.SetOut(new StringWriter());
        try { return action(); }
        finally { Console.SetOut(previous); }
    }

    [Fact]
    public void TrainSequenceVae_LogsEveryStep_WithTheWeightOfItsSchedule()
    {
        var (train, _, _) = Corpus();
        var config = Config(train);
        var run = Quietly(() => Lab.TrainSequenceVae(config, Options, train));

        int batches = (train.Count + Options.BatchSize - 1) / Options.BatchSize;
        Assert.Equal(batches * Options.Epochs, run.Steps.Count);
        Assert.Equal(Enumerable.Range(1, run.Steps.Count).Select(i => (long)i), run.Steps.Select(s => s.Step));
        for (int i = 0; i < run.Steps.Count; i++)
            Assert.Equal(config.Schedule.Weight(new TrainingProgress(i, run.Steps.Count)), run.Steps[i].KlWeight, 6);
        Assert.All(run.Steps, s => Assert.Equal(s.Reconstruction + s.Kl * s.KlWeight, s.Loss, 3));
        Assert.Equal(Options.Epochs, run.History.Count);
        Assert.NotNull(run.Vae);
        Assert.Null(run.LanguageModel);
        Assert.False(run.Model.Training); // left in evaluation mode
    }

    [Fact]
    public void TrainSequenceVae_SameSeed_SameBits()
    {
        var (train, _, _) = Corpus();
        var first = Quietly(() => Lab.TrainSequenceVae(Config(train), Options, train));
        var second = Quietly(() => Lab.TrainSequenceVae(Config(train), Options, train));

        Assert.Equal(first.Steps.Select(s => s.Loss), second.Steps.Select(s => s.Loss));
    }

    [Fact]
    public void TrainLanguageModel_SameBudget_NoKlAndNoWeight()
    {
        var (train, _, _) = Corpus();
        var vae = Quietly(() => Lab.TrainSequenceVae(Config(train), Options, train));
        var lm = Quietly(() => Lab.TrainLanguageModel(Config(train), Options, train));

        Assert.Equal(vae.Steps.Count, lm.Steps.Count);
        Assert.All(lm.Steps, s => Assert.Equal((0.0, 0.0), (s.Kl, s.KlWeight)));
        Assert.Equal("language model", lm.Name);
        Assert.Throws<ArgumentException>(() => Lab.PriorSamples(lm));
        var series = lm.TrainingSeries();
        Assert.Null(series.Kl);
        Assert.Null(series.KlWeight);
    }

    [Fact]
    public void KlAnnealingOver_HalfAtTheMidpoint_UnderOnePercentFirst_OverNinetyNineLast()
    {
        var (train, _, _) = Corpus();
        var options = Options with { Epochs = 20 };
        var schedule = Lab.KlAnnealingOver(train, options);
        long steps = (long)Math.Ceiling(train.Count / 32.0) * 20;

        Assert.Equal(0.5, schedule.Weight(new TrainingProgress(steps / 2, steps)), 6);
        Assert.True(schedule.Weight(new TrainingProgress(0, steps)) < 0.01);
        Assert.True(schedule.Weight(new TrainingProgress(steps - 1, steps)) > 0.99);
        Assert.Throws<ArgumentOutOfRangeException>(() => Lab.KlAnnealingOver(train, Options, midpoint: 1));
    }

    [Fact]
    public void Slice_SeededDrawInCorpusOrder_WholeDatasetWhenAskedForMore()
    {
        var (train, _, _) = Corpus();
        var slice = Lab.Slice(train, 50, seed: 3);
        var texts = Enumerable.Range(0, train.Count).Select(train.Text).ToList();
        var positions = Enumerable.Range(0, slice.Count).Select(i => texts.IndexOf(slice.Text(i))).ToList();

        Assert.Equal(50, slice.Count);
        Assert.All(positions, p => Assert.True(p >= 0));
        Assert.Equal(positions.Order(), positions); // corpus order kept
        Assert.Equal(50, positions.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 50).Select(slice.Text), Enumerable.Range(0, 50).Select(Lab.Slice(train, 50, seed: 3).Text));
        Assert.NotEqual(Enumerable.Range(0, 50).Select(slice.Text), Enumerable.Range(0, 50).Select(Lab.Slice(train, 50, seed: 4).Text));
        Assert.Same(train, Lab.Slice(train, train.Count + 1));
    }

    [Fact]
    public void SequenceBounds_RowsAreTheEvaluationsOfEachModel()
    {
        var (train, _, test) = Corpus();
        var vae = Quietly(() => Lab.TrainSequenceVae(Config(train), Options, train));
        var lm = Quietly(() => Lab.TrainLanguageModel(Config(train), Options, train));
        var table = ExecutedNotebook.Table.Parse(Lab.SequenceBounds(test, [lm, vae], seed: 2).ToHtml());

        var elbo = SequenceEvaluation.Elbo(vae.Vae!, test, seed: 2);
        var exact = SequenceEvaluation.LanguageModel(lm.LanguageModel!, test);
        Assert.Equal(elbo.NllBoundPerSentence, table.Number(vae.Name, "NLL bound (nats/sentence)"), 0.0006);
        Assert.Equal(elbo.NllBoundPerSentence * test.Count / (test.TokenCount + test.Count), table.Number(vae.Name, "per word"), 0.0006);
        Assert.Equal(elbo.Kl!.Value, table.Number(vae.Name, "KL"), 0.0006);
        Assert.Equal(SequenceEvaluation.ActiveUnits(vae.Vae!, test).Count, table.Number(vae.Name, "active units"));
        Assert.Equal(SequenceEvaluation.MutualInformation(vae.Vae!, test, seed: 2), table.Number(vae.Name, "MI (nats)"), 0.0006);
        Assert.Equal(exact.NllPerSentence, table.Number("language model", "NLL bound (nats/sentence)"), 0.0006);
        Assert.Equal(Math.Exp(exact.NllPerWord), table.Number("language model", "perplexity ≤"), 2);
        Assert.Equal("–", table.Row("language model")[^1]);
        Assert.Contains($"MI at most log N = {Math.Log(test.Count).ToString("F2", CultureInfo.InvariantCulture)}", table.Caption);
    }

    [Fact]
    public void PriorSamples_GreedyColumnIsTheDecoderOnCodesFromTheSeed()
    {
        var (train, _, _) = Corpus();
        var run = Quietly(() => Lab.TrainSequenceVae(Config(train), Options, train));
        var table = Lab.PriorSamples(run, count: 5, seed: 7);

        var greedy = run.Vae!.Greedy(Tensor.Randn(new Rng(7), 5, 4));
        Assert.Equal(greedy.Select(g => g.Length == 0 ? "(empty)" : SequenceDataset.Decode(train.Vocabulary, g)), table.Rows.Select(r => r[1]));
        Assert.Equal(Lab.PriorSamples(run, count: 5, seed: 7).Rows, table.Rows);
        Assert.All(table.Rows, r => Assert.False(string.IsNullOrEmpty(r[2])));
    }

    [Fact]
    public void Reconstructions_GreedyColumnDecodesThePosteriorMean()
    {
        var (train, _, test) = Corpus();
        var run = Quietly(() => Lab.TrainSequenceVae(Config(train), Options, train));
        var table = Lab.Reconstructions(run, test, indices: [2, 0, 1]);

        var mean = run.Vae!.Encode(SequenceBatches.Of(test, [2, 0, 1])).Mean;
        var greedy = run.Vae!.Greedy(mean, test.MaxLength + 5);
        Assert.Equal([test.Text(2), test.Text(0), test.Text(1)], table.Rows.Select(r => r[0]));
        Assert.Equal(greedy.Select(g => g.Length == 0 ? "(empty)" : SequenceDataset.Decode(train.Vocabulary, g)), table.Rows.Select(r => r[1]));
    }

    [Fact]
    public void Homotopy_EndsMarked_AndItsEndPointsAreTheGreedyReconstructions()
    {
        var (train, _, test) = Corpus();
        var run = Quietly(() => Lab.TrainSequenceVae(Config(train), Options, train));
        var table = Lab.Homotopy(run, test, from: 3, to: 5, points: 5);
        var reconstructions = Lab.Reconstructions(run, test, indices: [3, 5]);

        Assert.Equal(7, table.Rows.Count);
        Assert.Equal([true, false, false, false, false, false, true], table.Marked);
        Assert.Equal(["A", "", test.Text(3)], table.Rows[0]);
        Assert.Equal(["B", "", test.Text(5)], table.Rows[^1]);
        Assert.Equal(["0.00", "0.25", "0.50", "0.75", "1.00"], table.Rows.Skip(1).Take(5).Select(r => r[1]));
        Assert.Equal(reconstructions.Rows[0][1], table.Rows[1][2]);
        Assert.Equal(reconstructions.Rows[1][1], table.Rows[5][2]);
        var html = table.ToHtml();
        Assert.Equal(3 * 2, Regex.Matches(html, "font-weight: bold; background").Count); // both marked rows, every cell
    }

    [Fact]
    public void TrainingSeries_AveragesBlocksOfSteps_AndTheChartDrawsEachPanel()
    {
        var (train, _, _) = Corpus();
        var vae = Quietly(() => Lab.TrainSequenceVae(Config(train), Options, train));
        var lm = Quietly(() => Lab.TrainLanguageModel(Config(train), Options, train));
        var series = vae.TrainingSeries(stepsPerPoint: 3);

        int points = (vae.Steps.Count + 2) / 3;
        Assert.Equal(points, series.Epochs.Count);
        Assert.Equal(vae.Steps.Take(3).Average(s => s.Reconstruction + s.Kl), series.NegativeElbo.NumberAt(0), 9);
        Assert.Equal(vae.Steps.Skip(3).Take(3).Average(s => s.Kl), series.Kl!.NumberAt(1), 9);
        Assert.Equal(vae.Steps[5].KlWeight, series.KlWeight!.NumberAt(1), 9);
        Assert.Equal(Options.Epochs, series.Epochs.NumberAt(points - 1), 9);

        var html = Lab.SequenceTraining([lm, vae]).ToHtml();
        var data = JsonNode.Parse(Regex.Match(html, @"var data = (\[.*?\]);\n").Groups[1].Value)!.AsArray();
        var axes = data.Select(t => (t!["name"]!.GetValue<string>(), t["yaxis"]?.GetValue<string>() ?? "y")).ToList();
        Assert.Equal([("language model", "y"), (vae.Name, "y"), (vae.Name + " KL", "y2"), (vae.Name + " β", "y3")], axes);
    }

    [Fact]
    public void TrainSequenceVae_WithLiveProgress_OneDisplayThatEndsFull()
    {
        var (train, _, _) = Corpus();
        var states = new List<string>();
        Lab.ShowLiveProgress(value =>
        {
            states.Add(((SequenceLiveTraining)value).ToHtml());
            return updated => states.Add(((SequenceLiveTraining)updated).ToHtml());
        });
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        SequenceRun run;
        try { run = Lab.TrainSequenceVae(Config(train), Options, train, name: "tiny"); }
        finally
        {
            Console.SetOut(previous);
            Lab.HideLiveProgress();
        }

        Assert.Equal("", output.ToString());
        Assert.Contains("tiny: training, epoch 1/2", states[0]);
        Assert.True(states.Count >= 1 + Options.Epochs + 1, $"{states.Count} states");
        var final = states[^1];
        Assert.Contains($"tiny: trained 2 epochs ({run.Steps.Count} steps)", final);
        Assert.Contains($"data-step=\"{run.Steps.Count}\" data-total-steps=\"{run.Steps.Count}\"", final);
        Assert.Contains("KL weight", final);
    }

    [Fact]
    public void SentenceTable_TextLeftNumbersRight_ParsesAsAWorkbenchTable()
    {
        var table = new SentenceTable(["#", "sentence"], "caption <b>").AddRow(1, "a <unk> & more").AddMarkedRow(2.5, "end");
        var html = table.ToHtml();
        var parsed = ExecutedNotebook.Table.Parse(html);

        Assert.Equal("caption <b>", parsed.Caption);
        Assert.Equal(["1", "a <unk> & more"], parsed.Rows[0]);
        Assert.Contains("<td style=\"text-align: right; padding: 2px 8px;\">1</td>", html);
        Assert.Contains("<td style=\"text-align: left; padding: 2px 8px;\">a &lt;unk&gt; &amp; more</td>", html);
        Assert.Contains("<td style=\"text-align: left; padding: 2px 8px; font-weight: bold; background: #eef3fb;\">end</td>", html);
        Assert.Throws<ArgumentException>(() => table.AddRow("one cell"));
    }
}
