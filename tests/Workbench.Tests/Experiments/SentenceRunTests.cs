using System.Text.Json.Nodes;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>
/// Runs on sentences through the CLI, as runs on images: every file of the run folder, the report with the sentences,
/// status, a rerun that skips the finished runs, a changed setting refused, and bad fields named.
/// </summary>
public class SentenceRunTests
{
    private static readonly string[] Words = "the a cat dog sat on mat ran to house big small red blue".Split(' ');

    /// <summary>300 seeded lines of 2–8 words from a 14-word vocabulary.</summary>
    private static string Lines()
    {
        var rng = new Random(1);
        return string.Join("\n", Enumerable.Range(0, 300).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(2, 9)).Select(_ => Words[rng.Next(Words.Length)])))) + "\n";
    }

    private static string Experiment(double wordDropout = 0.25) => $$"""
        {
          "name": "tiny-sentences",
          "data": { "dataset": "text-lines", "file": "lines.txt", "minimumCount": 1 },
          "model": { "variant": "sequence-vae", "embeddingSize": 8, "hiddenSize": 8, "latentSize": 4, "wordDropout": {{wordDropout}} },
          "training": { "epochs": 1, "batchSize": 16 },
          "evaluation": { "importanceSamples": 3 },
          "grid": { "model": [
            { "$id": "lm", "variant": "rnn-lm", "embeddingSize": 8, "hiddenSize": 8 },
            { "$id": "vae", "variant": "sequence-vae", "embeddingSize": 8, "hiddenSize": 8, "latentSize": 4, "wordDropout": {{wordDropout}},
              "klAnnealing": { "kind": "linear-warmup", "warmupFraction": 0.5 } } ] }
        }
        """;

    [Fact]
    public void Run_TinySentenceExperiment_WritesEveryRunFileSkipsOnRerunAndRefusesAChange()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("lines.txt"), Lines());
        var file = Cli.CliRunner.Write(directory.Path, "tiny.json", Experiment());
        var results = directory.File("results");
        var (exitCode, output, error) = Cli.CliRunner.Invoke("run", file, "--results", results, "--no-png");
        Assert.True(exitCode == 0, error + output);

        var experiment = Path.Combine(results, "tiny-sentences");
        foreach (var run in new[] { "model=lm", "model=vae" })
        {
            var folder = Path.Combine(experiment, run);
            foreach (var name in new[] { "config.json", RunIdentity.FileName, "environment.json", "metrics.csv", "model.safetensors", RunFolder.SummaryFile,
                         "texts.json", "texts.md", Path.Combine("figures", "elbo-components.html") })
                Assert.True(File.Exists(Path.Combine(folder, name)), $"{run}/{name} is missing");
            Assert.Equal(2, File.ReadAllLines(Path.Combine(folder, "metrics.csv")).Length); // header and the one epoch
            Assert.NotNull(RunIdentity.Read(folder));
        }

        var lm = RunFiles.ReadSummary(Path.Combine(experiment, "model=lm", RunFolder.SummaryFile)).Sentences!;
        var vae = RunFiles.ReadSummary(Path.Combine(experiment, "model=vae", RunFolder.SummaryFile)).Sentences!;
        Assert.Equal("rnn-lm", lm.Model);
        Assert.Null(lm.NegativeElbo);
        Assert.Equal(Math.Exp(lm.LanguageModelNllPerWord!.Value), lm.LanguageModelPerplexity!.Value, 9);
        Assert.Equal(lm.LanguageModelNll!.Value * lm.TestSentences / lm.TestPredictedWords, lm.LanguageModelNllPerWord.Value, 9);
        Assert.Equal(lm.TestTokens + lm.TestSentences, lm.TestPredictedWords);
        Assert.Equal(18, lm.VocabularySize); // 14 words and the 4 reserved ids
        Assert.Equal("sequence-vae", vae.Model);
        Assert.Equal(0.25, vae.WordDropout);
        Assert.Equal(vae.Reconstruction!.Value + vae.Kl!.Value, vae.NegativeElbo!.Value, 6);
        Assert.Equal(Math.Exp(vae.NegativeElboPerWord!.Value), vae.ElboPerplexity!.Value, 9);
        Assert.Equal(3, vae.ImportanceSamples);
        Assert.InRange(vae.ActiveUnits!.Value, 0, 4);
        Assert.True(vae.MutualInformation >= 0);
        Assert.Contains("linear warm-up", vae.KlAnnealing);

        var texts = SentenceReport.Read(Path.Combine(experiment, "model=vae"))!;
        Assert.Equal(8, texts.Prior.Count);
        Assert.Equal(8, texts.Reconstructions.Count);
        Assert.Equal(2, texts.Homotopies.Count);
        Assert.All(texts.Homotopies, h => Assert.Equal(7, h.Path.Count));
        Assert.All(texts.Reconstructions.SelectMany(r => new[] { r.Input, r.Greedy, r.Sampled }).SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)),
            word => Assert.Contains(word, Words.Append("<unk>")));
        Assert.Contains("## Homotopy: from", File.ReadAllText(Path.Combine(experiment, "model=vae", "texts.md")));

        var html = File.ReadAllText(Path.Combine(experiment, ExperimentReport.FileName));
        Assert.Contains("<h2>Sentences: model=vae</h2>", html);
        Assert.Contains("<h2>Sentences: model=lm</h2>", html);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(texts.Reconstructions[0].Input), html);
        Assert.Contains("<th>word dropout</th>", html);

        var status = Cli.CliRunner.Invoke("status", experiment);
        Assert.True(status.ExitCode == 0, status.Error + status.Output);
        Assert.Contains("model=vae", status.Output);
        var report = Cli.CliRunner.Invoke("report", experiment, "--no-png");
        Assert.True(report.ExitCode == 0, report.Error + report.Output);

        var figure = Path.Combine(experiment, "model=vae", "figures", "elbo-components.html");
        File.Delete(figure);
        var redraw = Cli.CliRunner.Invoke("redraw", Path.Combine(experiment, "model=vae"), "--no-png");
        Assert.True(redraw.ExitCode == 0, redraw.Error + redraw.Output);
        Assert.Contains("nats per sentence", File.ReadAllText(figure));

        var summaryBefore = File.ReadAllText(Path.Combine(experiment, "model=vae", RunFolder.SummaryFile));
        var again = Cli.CliRunner.Invoke("run", file, "--results", results, "--no-png");
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("model=vae: finished earlier, skipped", again.Output);
        Assert.Equal(summaryBefore, File.ReadAllText(Path.Combine(experiment, "model=vae", RunFolder.SummaryFile)));

        File.WriteAllText(file, Experiment(wordDropout: 0.5));
        var changed = Cli.CliRunner.Invoke("run", file, "--results", results, "--no-png");
        Assert.NotEqual(0, changed.ExitCode);
        Assert.Contains("trained with another configuration", changed.Error);
        Assert.Contains("wordDropout", changed.Error);
        Assert.Equal(summaryBefore, File.ReadAllText(Path.Combine(experiment, "model=vae", RunFolder.SummaryFile)));
    }

    [Theory]
    [InlineData("""{ "variant": "sequence-vae", "wordDropout": 1.5 }""", null, "model.wordDropout", "between 0 and 1 (got 1.5)")]
    [InlineData("""{ "variant": "sequence-vae", "hiddenSizes": [64] }""", null, "model.hiddenSizes", "applies to image models; variant 'sequence-vae' reads sentences")]
    [InlineData("""{ "variant": "sequence-vae", "likelihood": "gaussian-fixed-variance" }""", null, "model.likelihood", "applies to image models")]
    [InlineData("""{ "variant": "sequence-vae", "klPenalty": { "kind": "weighted", "schedule": { "kind": "constant", "beta": 2 } } }""", null, "model.klPenalty", "applies to image models")]
    [InlineData("""{ "variant": "sequence-vae", "klAnnealing": { "kind": "logistic", "k": -1 } }""", null, "model.klAnnealing.k", "-1")]
    [InlineData("""{ "variant": "sequence-vae", "hiddenSize": 0 }""", null, "model.hiddenSize", "between 1 and 65536 (got 0)")]
    [InlineData("""{ "variant": "rnn-lm", "latentSize": 32 }""", null, "model.latentSize", "the language model has no latent code")]
    [InlineData("""{ "variant": "rnn-lm", "wordDropout": 0.5 }""", null, "model.wordDropout", null)]
    [InlineData("""{ "variant": "sequence-vae" }""", "\"optimizer\": { \"kind\": \"sgd\" }", "training.optimizer", "is not read by runs on sentences")]
    [InlineData("""{ "variant": "sequence-vae" }""", "\"validationFraction\": 0.1", "training.validationFraction", "the corpus has its own validation split")]
    public void Load_BadSentenceModelField_NamesTheField(string model, string? training, string field, string? problem)
    {
        var trainingJson = training is null ? "" : ", \"training\": { " + training + " }";
        var error = ExperimentValidationTests.LoadFails("{ \"name\": \"s\", \"data\": { \"dataset\": \"wordnet-definitions\" }, \"model\": " + model + trainingJson + " }");
        Assert.Equal(field, error.Field);
        if (problem is not null) Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Load_SentenceModelOnImages_NamesTheVariant()
    {
        var error = ExperimentValidationTests.LoadFails("""{ "name": "s", "model": { "variant": "sequence-vae" } }""");
        Assert.Equal("model.variant", error.Field);
        Assert.Contains("'sequence-vae' reads sentences, but data.dataset 'fashion-mnist-subset' holds images", error.Message);
    }

    [Fact]
    public void SequenceVariant_Defaults_AreTheSharedArchitecture()
    {
        var config = new Workbench.Models.Sequences.SequenceVaeVariantConfig().ToModelConfig(100);
        Assert.Equal((128, 192, 32, 0.0), (config.EmbeddingSize, config.HiddenSize, config.LatentSize, config.WordDropout));
        Assert.Null(config.KlAnnealing);
    }
}
