using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;

namespace Workbench.Experiments.Reports;

/// <summary>
/// The report of an experiment whose runs read sentences (Bowman et al. 2016): a table of the VAE's bounds against the
/// language model's NLL with the KL and the collapse diagnostics, the test curves per epoch, and each run's sentences —
/// samples from the prior, reconstructions and homotopies (<see cref="SentenceTexts"/>).
/// </summary>
internal static class SentenceReport
{
    /// <summary>True when every run of the report is a run on sentences.</summary>
    public static bool Applies(IReadOnlyList<ReportRun> runs) => runs.Count > 0 && runs.All(r => r.Summary.Sentences is not null);

    /// <summary>Appends the heading, the sentence on units and counts, and the table of runs.</summary>
    public static void AppendTable(StringBuilder html, IReadOnlyList<ReportRun> runs)
    {
        var first = runs[0].Summary.Sentences!;
        html.Append("<h2>Runs</h2>\n<p>").Append(Encode(FormattableString.Invariant(
            $"Test-set values on {first.TestSentences:N0} test sentences ({first.TestPredictedWords:N0} predicted words: the tokens and one </s> each), ") +
            FormattableString.Invariant($"vocabulary {first.VocabularySize:N0}, {first.TrainSentences:N0} training sentences. Nats per sentence unless marked per word; ") +
            "the VAE's −ELBO and importance-weighted bound −L_k (Burda et al. 2016) are upper bounds on −log p(x), the language model's NLL is exact; " +
            "perplexity is exp(nats per word) of the bound (VAE) or of the NLL. Training time: the epochs' training and test passes." +
            ReportRunsTable.SeedNote(runs)))
            .Append("</p>\n");
        ReportRunsTable.AppendTable(html, runs, Columns);
    }

    /// <summary>The sentence runs' columns: the language model's NLL stands where a VAE's −ELBO does.</summary>
    private static readonly ReportRunsTable.Column[] Columns =
    [
        new("run", r => r.Id, Text: true),
        new("model", r => S(r).Model, Text: true),
        new("word dropout", r => Number(S(r).WordDropout), Text: true),
        new("KL annealing", r => S(r).KlAnnealing ?? "–", Text: true),
        new("−ELBO", r => S(r).LanguageModelNll is { } nll ? $"NLL {Number(nll)}" : Number(S(r).NegativeElbo),
            Value: r => S(r).LanguageModelNll ?? S(r).NegativeElbo, Format: F2, Suffix: r => S(r).LanguageModelNll is null ? "" : " (NLL)"),
        new("reconstruction", r => Number(S(r).Reconstruction), Value: r => S(r).Reconstruction, Format: F2),
        new("KL", r => Number(S(r).Kl), Value: r => S(r).Kl, Format: F2),
        new("IW bound", r => S(r).ImportanceWeightedBound is { } iw ? $"{Number(iw)}{ImportanceSettings(r)}" : "–",
            Value: r => S(r).ImportanceWeightedBound, Format: F2, Suffix: ImportanceSettings),
        new("NLL or bound per word", r => Number(PerWord(r), "F3"), Value: PerWord, Format: v => v.ToString("F3", CultureInfo.InvariantCulture)),
        new("perplexity", r => Number(Perplexity(r), "F1"), Value: Perplexity, Format: v => v.ToString("F1", CultureInfo.InvariantCulture)),
        new("active units", r => S(r).ActiveUnits is { } active ? $"{active} / {r.Summary.LatentSize}" : "–",
            Value: r => S(r).ActiveUnits, Format: v => v.ToString("0.#", CultureInfo.InvariantCulture), Suffix: r => $" / {r.Summary.LatentSize}"),
        new("mutual information", r => Number(S(r).MutualInformation, "F3"), Value: r => S(r).MutualInformation,
            Format: v => v.ToString("F3", CultureInfo.InvariantCulture)),
        new("training time", r => ReportRunsTable.Duration(r.Summary.TrainSeconds), Value: r => r.Summary.TrainSeconds, Format: ReportRunsTable.Duration,
            PerSeed: false),
    ];

    private static SentenceRunSummary S(ReportRun run) => run.Summary.Sentences!;

    private static double? PerWord(ReportRun run) => S(run).LanguageModelNllPerWord ?? S(run).ImportanceWeightedBoundPerWord ?? S(run).NegativeElboPerWord;

    private static double? Perplexity(ReportRun run) => S(run).LanguageModelPerplexity ?? S(run).ImportanceWeightedPerplexity ?? S(run).ElboPerplexity;

    private static string ImportanceSettings(ReportRun run) =>
        FormattableString.Invariant($" (k={S(run).ImportanceSamples}, {S(run).ImportanceSentences:N0} sentences)");

    private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>The curves, then each run's sentences.</summary>
    public static List<ReportSection> Sections(IReadOnlyList<ReportRun> runs)
    {
        var sections = new List<ReportSection>
        {
            new("Training curves", "Test-set reconstruction term, KL term and −ELBO after every epoch, nats per sentence (the language model's reconstruction is its NLL, its KL 0).",
                [new ReportChart("elbo-components", PerSentence(ComparisonFigures.ElboComponentsPerRun(runs)))], []),
        };
        foreach (var run in runs)
            if (Read(run.Folder) is { } texts)
                sections.Add(new ReportSection($"Sentences: {run.Id}", texts.Reconstructions.Count == 0
                    ? "Sentences sampled word by word from the language model, and its greedy (most probable word at each step) sentence."
                    : "Codes z ~ N(0, I) decoded greedily and by sampling; test sentences reconstructed from their posterior mean (greedy) and from a z drawn from q(z|x) (sampled); " +
                      "homotopies: greedy decodings along the line between two test sentences' posterior means.",
                    [], [], TextsHtml(texts)));
        return sections;
    }

    private static Plotting.Figure PerSentence(Plotting.Figure figure)
    {
        figure.Layout.YAxis().Title = "nats per sentence";
        return figure;
    }

    /// <summary>The run's texts.json, or null when it has none.</summary>
    public static SentenceTexts? Read(string runFolder)
    {
        var path = Path.Combine(runFolder, SentenceTexts.JsonFile);
        return File.Exists(path) ? RunFiles.ReadJson<SentenceTexts>(path, "sentences") : null;
    }

    private static string TextsHtml(SentenceTexts texts)
    {
        var html = new StringBuilder();
        if (texts.Reconstructions.Count == 0)
        {
            html.Append("<p>Greedy: <em>").Append(Encode(texts.Prior.FirstOrDefault()?.Greedy ?? "")).Append("</em></p>\n<ul>\n");
            foreach (var p in texts.Prior) html.Append("<li>").Append(Encode(p.Sampled)).Append("</li>\n");
            return html.Append("</ul>").ToString();
        }
        Table(html, ["prior sample, greedy", "prior sample, sampled"], texts.Prior.Select(p => new[] { p.Greedy, p.Sampled }));
        Table(html, ["test sentence", "reconstruction, greedy", "reconstruction, sampled"], texts.Reconstructions.Select(r => new[] { r.Input, r.Greedy, r.Sampled }));
        foreach (var h in texts.Homotopies)
        {
            html.Append("<p>Homotopy from <em>").Append(Encode(h.From)).Append("</em> to <em>").Append(Encode(h.To)).Append("</em>:</p>\n<ol>\n");
            foreach (var sentence in h.Path) html.Append("<li>").Append(Encode(sentence)).Append("</li>\n");
            html.Append("</ol>\n");
        }
        return html.ToString();
    }

    private static void Table(StringBuilder html, string[] headers, IEnumerable<string[]> rows)
    {
        html.Append("<table>\n<tr>");
        foreach (var header in headers) html.Append("<th>").Append(Encode(header)).Append("</th>");
        html.Append("</tr>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td class=\"text\">").Append(Encode(cell)).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }

    private static string Number(double? value, string format = "F2") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
