using System.Diagnostics;
using System.Globalization;
using Workbench.Data.Text;
using Workbench.Display;
using Workbench.Evaluation.Sequences;
using Workbench.Models.Kl;
using Workbench.Models.Sequences;
using Workbench.Plotting;
using Workbench.Plotting.Charts;
using Workbench.Tensors;
using Workbench.Training.Sequences;

namespace Workbench.Notebooks;

// Sentence models (Bowman et al. 2016): train the sequence VAE and its language-model baseline, measure their bounds and the
// collapse diagnostics, and read what they generate.
public static partial class Lab
{
    /// <summary>
    /// Builds a <see cref="SequenceVae"/> from <paramref name="config"/> (initialised from <c>options.Seed</c>) and trains it in memory
    /// on <paramref name="train"/>, evaluating the −ELBO on <paramref name="validation"/> after each epoch when given. Shows a live
    /// progress display after <see cref="ShowLiveProgress"/>, else prints one line per epoch.
    /// </summary>
    public static SequenceRun TrainSequenceVae(SequenceVaeConfig config, SequenceTrainingOptions options, SequenceDataset train,
        SequenceDataset? validation = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        var model = new SequenceVae(config, new Rng(options.Seed));
        name ??= string.Create(CultureInfo.InvariantCulture, $"VAE, word dropout {config.WordDropout:G3}");
        return TrainSequenceModel(name, model, new SequenceTrainer(model, options), options, train, validation);
    }

    /// <summary>
    /// The baseline: an <see cref="RnnLanguageModel"/> with <paramref name="config"/>'s sizes, trained in memory with the same options
    /// (the same budget) as a VAE given them. Shows progress as <see cref="TrainSequenceVae"/> does.
    /// </summary>
    public static SequenceRun TrainLanguageModel(SequenceVaeConfig config, SequenceTrainingOptions options, SequenceDataset train,
        SequenceDataset? validation = null, string name = "language model")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        var model = new RnnLanguageModel(config, new Rng(options.Seed));
        return TrainSequenceModel(name, model, new SequenceTrainer(model, options), options, train, validation);
    }

    /// <summary>
    /// Bowman et al.'s logistic KL annealing scaled to a run of <paramref name="options"/> on <paramref name="train"/> (their k = 0.0025,
    /// x₀ = 2,500 assume tens of thousands of steps): weight ½ at <paramref name="midpoint"/> of the steps, k = 10 / steps, so the weight
    /// rises from under 1 % at the first step to over 99 % at the last in runs of 100 steps or more.
    /// </summary>
    public static LogisticKlAnnealing KlAnnealingOver(SequenceDataset train, SequenceTrainingOptions options, double midpoint = 0.5)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        if (!(midpoint > 0 && midpoint < 1)) throw new ArgumentOutOfRangeException(nameof(midpoint), midpoint, "The midpoint is a fraction of training in (0, 1).");
        long steps = (long)Math.Ceiling(train.Count / (double)options.BatchSize) * options.Epochs;
        return new LogisticKlAnnealing(1f, 10.0 / steps, midpoint * steps);
    }

    /// <summary>
    /// <paramref name="count"/> sentences of <paramref name="data"/> drawn without replacement by a permutation seeded with
    /// <paramref name="seed"/>, kept in corpus order (the whole dataset when count ≥ its size). WordNet's sentences come noun
    /// definitions first, so a slice from the front would hold nouns only; a seeded draw keeps the parts of speech mixed.
    /// </summary>
    public static SequenceDataset Slice(SequenceDataset data, int count, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Ask for at least one sentence.");
        if (count >= data.Count) return data;
        var indices = new Rng(seed).Permutation(data.Count).AsSpan(0, count).ToArray();
        Array.Sort(indices);
        return data.Subset(indices);
    }

    private static SequenceRun TrainSequenceModel(string name, NN.Module model, SequenceTrainer trainer, SequenceTrainingOptions options,
        SequenceDataset train, SequenceDataset? validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        var steps = new List<SequenceStepMetrics>();
        trainer.StepCompleted += steps.Add;
        SequenceLiveTraining? view = null;
        if (_liveDisplay is { } display)
        {
            view = new SequenceLiveTraining(name, options.Epochs, display);
            view.Watch(trainer);
            view.Show();
        }
        else trainer.EpochCompleted += m => Console.WriteLine(SequenceEpochLine(name, m, options.Epochs));
        var clock = Stopwatch.StartNew();
        IReadOnlyList<SequenceEpochMetrics> history;
        try { history = trainer.Fit(train, validation); }
        catch (Exception e) when (view is not null)
        {
            view.Fail(e.Message);
            throw;
        }
        model.Eval();
        view?.Finish();
        return new SequenceRun(name, model, options, history, steps, clock.Elapsed, train.Vocabulary);
    }

    internal static string SequenceEpochLine(string name, SequenceEpochMetrics m, int epochs)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{name}: epoch {m.Epoch}/{epochs}  train loss {m.TrainLoss:F2} (rec {m.TrainReconstruction:F2}, KL {m.TrainKl:F2}, weight {m.KlWeight:G3})");
        if (m.ValidationNll is { } nll) line += string.Create(CultureInfo.InvariantCulture, $"  validation NLL bound {nll:F2}");
        return line + string.Create(CultureInfo.InvariantCulture, $"  [{m.Seconds:F1} s]");
    }

    /// <summary>
    /// One row per run on <paramref name="test"/>, nats: a VAE's −ELBO (an upper bound on −log p(x)) with its reconstruction and KL
    /// terms, a language model's exact −log p(x); per sentence and per predicted word (tokens and &lt;/s&gt;), the perplexity bound
    /// exp(per word), and the collapse diagnostics of a VAE: active units (threshold 0.01) and the mutual information I(x; z) under q.
    /// The ELBO's and the mutual information's noise is drawn from <paramref name="seed"/>.
    /// </summary>
    public static HtmlTable SequenceBounds(SequenceDataset test, IEnumerable<SequenceRun> runs, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(runs);
        var list = runs.ToList();
        if (list.Count == 0) throw new ArgumentException("Give at least one run.", nameof(runs));
        int latent = list.FirstOrDefault(r => r.Vae is not null)?.Vae!.LatentSize ?? 0;
        var table = new HtmlTable(["model", "NLL bound (nats/sentence)", "per word", "perplexity ≤", "reconstruction", "KL", "active units", "MI (nats)"],
            string.Create(CultureInfo.InvariantCulture,
                $"{test.Count:N0} test sentences: −ELBO of each VAE, exact NLL of the language model; active units of {latent} (threshold 0.01); MI at most log N = {Math.Log(test.Count):F2}"));
        foreach (var run in list)
        {
            if (run.Vae is { } vae)
            {
                var elbo = SequenceEvaluation.Elbo(vae, test, seed);
                var active = SequenceEvaluation.ActiveUnits(vae, test);
                var information = SequenceEvaluation.MutualInformation(vae, test, seed);
                table.AddRow(run.Name, elbo.NllBoundPerSentence, elbo.NllBoundPerWord, elbo.Perplexity, elbo.Reconstruction, elbo.Kl, active.Count, information);
            }
            else
            {
                var nll = SequenceEvaluation.LanguageModel(run.LanguageModel!, test);
                table.AddRow(run.Name, nll.NllPerSentence, nll.NllPerWord, nll.Perplexity, double.NaN, double.NaN, double.NaN, double.NaN);
            }
        }
        return table;
    }

    /// <summary>The training chart of several runs: −ELBO (a language model's NLL), KL and KL weight over training, averaged over blocks of steps.</summary>
    public static Figure SequenceTraining(IEnumerable<SequenceRun> runs, string? title = "Training: −ELBO (language model: NLL), KL and the KL weight")
    {
        ArgumentNullException.ThrowIfNull(runs);
        return VaeCharts.SequenceTraining(runs.Select(r => r.TrainingSeries()).ToList(), title);
    }

    /// <summary>
    /// <paramref name="count"/> codes z ~ N(0, I) drawn from <paramref name="seed"/>, each decoded twice: greedily (the most probable word
    /// at each step) and by sampling each word from the decoder's softmax (<see cref="SequenceGeneration.FromPrior"/>).
    /// </summary>
    public static SentenceTable PriorSamples(SequenceRun run, int count = 8, ulong seed = 0, int maxLength = 20)
    {
        var vae = RequireSequenceVae(run);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Ask for at least one sentence.");
        // The same generator seed gives both calls the same codes: z is drawn before any word is.
        var greedy = SequenceGeneration.FromPrior(vae, run.Vocabulary, count, new Rng(seed), sampleWords: false, maxLength);
        var sampled = SequenceGeneration.FromPrior(vae, run.Vocabulary, count, new Rng(seed), sampleWords: true, maxLength);
        var table = new SentenceTable(["z", "greedy", "sampled"], $"{run.Name}: sentences decoded from z ~ N(0, I)");
        for (int i = 0; i < count; i++) table.AddRow(i + 1, Shown(greedy[i]), Shown(sampled[i]));
        return table;
    }

    /// <summary>
    /// Test sentences and what the VAE makes of them: each encoded to its posterior mean μ(x) and decoded greedily, and by sampling
    /// each word from the softmax (noise from <paramref name="seed"/>) (<see cref="SequenceGeneration.Reconstructions"/>). The first
    /// <paramref name="count"/> test sentences unless <paramref name="indices"/> names others.
    /// </summary>
    public static SentenceTable Reconstructions(SequenceRun run, SequenceDataset test, int count = 8, int[]? indices = null, ulong seed = 0)
    {
        var vae = RequireSequenceVae(run);
        ArgumentNullException.ThrowIfNull(test);
        indices ??= Enumerable.Range(0, Math.Min(count, test.Count)).ToArray();
        if (indices.Length == 0) throw new ArgumentException("Name at least one test sentence.", nameof(indices));
        int maxLength = test.MaxLength + 5;
        var greedy = SequenceGeneration.Reconstructions(vae, test, indices, null, maxLength);
        var sampled = SequenceGeneration.Reconstructions(vae, test, indices, new Rng(seed), maxLength);
        var table = new SentenceTable(["test sentence", "greedy from μ", "sampled from μ"], $"{run.Name}: reconstructions of test sentences");
        for (int i = 0; i < indices.Length; i++) table.AddRow(test.Text(indices[i]), Shown(greedy[i]), Shown(sampled[i]));
        return table;
    }

    /// <summary>
    /// The homotopy of Bowman et al. (2016, §5.2) between test sentences <paramref name="from"/> and <paramref name="to"/>: their posterior
    /// means joined by a line, <paramref name="points"/> evenly spaced codes on it (both ends included) decoded greedily
    /// (<see cref="SequenceGeneration.Homotopy"/>). The two test sentences themselves are the first and last rows, marked.
    /// </summary>
    public static SentenceTable Homotopy(SequenceRun run, SequenceDataset test, int from, int to, int points = 7)
    {
        var vae = RequireSequenceVae(run);
        ArgumentNullException.ThrowIfNull(test);
        var decoded = SequenceGeneration.Homotopy(vae, test, from, to, points, test.MaxLength + 5);
        var table = new SentenceTable(["", "t", "sentence"], $"{run.Name}: homotopy from test sentence {from} (A) to {to} (B), decoded greedily");
        table.AddMarkedRow("A", "", test.Text(from));
        for (int i = 0; i < points; i++) table.AddRow("", ((double)i / (points - 1)).ToString("0.00", CultureInfo.InvariantCulture), Shown(decoded[i]));
        table.AddMarkedRow("B", "", test.Text(to));
        return table;
    }

    private static SequenceVae RequireSequenceVae(SequenceRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.RequireVae();
    }

    /// <summary>A decoded sentence as shown; "(empty)" when the decoder ended it at once.</summary>
    private static string Shown(string sentence) => sentence.Length == 0 ? "(empty)" : sentence;
}
