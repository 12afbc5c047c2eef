using System.Globalization;
using System.Net;
using System.Text;
using Workbench.Experiments.RunFolders;

namespace Workbench.Experiments.Reports;

/// <summary>
/// The report's table of runs: what each run trained and what it measured on the test set, saying over how
/// many test images each measure is taken (the importance-weighted bound usually covers only the first few
/// hundred). A column whose value no run has, or that only tells runs apart, is left out of a report it would
/// say nothing in: class-conditional accuracy appears when some run has one, reconstruction vs. the mean image
/// (a posterior-collapse check) when several runs are compared or a run has no active unit.
/// </summary>
internal static class ReportRunsTable
{
    /// <summary>
    /// One column: its heading and a run's cell. A measure also gives its number (<paramref name="Value"/>), how one is
    /// written (<paramref name="Format"/>), what follows the mean ± sd of a seed group (<paramref name="Suffix"/>, e.g. "/ 10"),
    /// and whether each seed's value is listed beneath it (<paramref name="PerSeed"/>).
    /// </summary>
    internal sealed record Column(string Header, Func<ReportRun, string> Cell, bool Text = false, Func<ReportRun, double?>? Value = null,
        Func<double, string>? Format = null, Func<ReportRun, string>? Suffix = null, bool PerSeed = true);

    /// <summary>
    /// Appends the heading, the sentence on units and image counts, and the table: one row a run, or, when the
    /// experiment has a seed axis, one row a seed group (<see cref="SeedGroups"/>) whose measures read "mean ± sd"
    /// with each seed's value beneath.
    /// </summary>
    public static void Append(StringBuilder html, IReadOnlyList<ReportRun> runs)
    {
        html.Append("<h2>Runs</h2>\n<p>").Append(Encode(Note(runs))).Append("</p>\n");
        AppendTable(html, runs, Columns(runs));
    }

    /// <summary>
    /// The table of <paramref name="columns"/>: one row a run, or, when the runs have a seed axis, one row a seed group
    /// (<see cref="GroupCell"/>). Serves every report's run table.
    /// </summary>
    internal static void AppendTable(StringBuilder html, IReadOnlyList<ReportRun> runs, IReadOnlyList<Column> columns)
    {
        html.Append("<table>\n<tr>");
        foreach (var column in columns) html.Append("<th>").Append(Encode(column.Header)).Append("</th>");
        html.Append("</tr>\n");
        bool seeds = SeedGroups.HasAxis(runs.Select(r => r.Summary));
        foreach (var group in SeedGroups.Of(runs, r => r.Summary))
        {
            html.Append("<tr>");
            foreach (var column in columns)
            {
                var (text, perSeed) = seeds ? GroupCell(column, group) : (column.Cell(group.Runs[0]), null);
                html.Append(column.Text ? "<td class=\"text\">" : "<td>").Append(Encode(text));
                if (perSeed is not null) html.Append("<br><span class=\"seeds\">").Append(Encode(perSeed)).Append("</span>");
                html.Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }

    /// <summary>The sentence on seed groups that a run table's note ends with when the runs have a seed axis; "" otherwise.</summary>
    internal static string SeedNote(IReadOnlyList<ReportRun> runs) => SeedGroups.HasAxis(runs.Select(r => r.Summary))
        ? " Runs that differ only in training.seed are one row: mean ± sample standard deviation (n − 1) over their finished seeds, " +
          "and beneath it each seed's value in seed order (–: that seed has not finished; training time: mean ± sd only); a group with one finished seed shows its value without ±."
        : "";

    /// <summary>
    /// A seed group's cell and the line beneath it: the run column names the group and its seeds; a measure its mean ±
    /// sample sd over the seeds that have it and each expected seed's value in seed order ("–" where a seed has not finished);
    /// a text column the values the runs share. A group of one run shows its value alone, with no ±.
    /// </summary>
    internal static (string Text, string? PerSeed) GroupCell(Column column, SeedGroup<ReportRun> group)
    {
        if (column.Header == "run") return (group.Key, group.SeedText());
        if (column.Value is null || column.Format is null)
            return (string.Join(" / ", group.Runs.Select(column.Cell).Distinct()), null);
        var statistic = group.Statistic(column.Value);
        if (statistic.Count == 0) return ("–", null);
        string suffix = column.Suffix?.Invoke(group.Runs[0]) ?? "";
        var perSeed = string.Join(" · ", group.PerSeed(column.Value).Select(v => v is { } value ? column.Format(value) : "–"));
        return (statistic.ToString(column.Format) + suffix, column.PerSeed && group.ExpectedSeeds.Count > 1 ? perSeed : null);
    }

    /// <summary>The columns these runs have a value for, in reading order.</summary>
    internal static IReadOnlyList<Column> Columns(IReadOnlyList<ReportRun> runs)
    {
        static string Fixed3(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        var columns = new List<Column>
        {
            new("run", r => r.Id, Text: true),
            new("variant", r => r.Summary.Variant, Text: true),
            new("objective", r => r.Objective, Text: true),
            new("β / KL penalty", r => r.Summary.KlPenalty, Text: true),
            new("test −ELBO", r => Number(r.Summary.TestNegativeElbo), Value: r => r.Summary.TestNegativeElbo, Format: Number),
            new("reconstruction", r => Number(r.Summary.TestReconstruction), Value: r => r.Summary.TestReconstruction, Format: Number),
            new("KL", r => Number(r.Summary.TestKl), Value: r => r.Summary.TestKl, Format: Number),
        };
        if (runs.Any(r => r.ImportanceWeightedBound is not null))
            columns.Add(new("IWAE bound", Importance, Value: r => r.ImportanceWeightedBound, Format: Number, Suffix: ImportanceSettings));
        if (runs.Any(r => r.Summary.ImportanceWeightedBoundBitsPerDimension is not null))
            columns.Add(new("IWAE bound (bits/dim)", r => r.Summary.ImportanceWeightedBoundBitsPerDimension is { } bits
                ? bits.ToString("F3", CultureInfo.InvariantCulture) : "–", Value: r => r.Summary.ImportanceWeightedBoundBitsPerDimension, Format: Fixed3));
        // A flow's mean and σ are Monte-Carlo estimates (Posterior.MomentsAreEstimates), and so are the numbers built on them.
        static string Estimated(ReportRun r) => r.Definition.Model.Posterior is { HasDensityEverywhere: false } ? " (MC estimate)" : "";
        columns.Add(new("active units", r => $"{r.Summary.ActiveUnits} / {r.Summary.LatentSize}{Estimated(r)}",
            Value: r => r.Summary.ActiveUnits, Format: v => v.ToString("0.#", CultureInfo.InvariantCulture), Suffix: r => $" / {r.Summary.LatentSize}{Estimated(r)}"));
        columns.Add(new("mean posterior σ", r => r.Summary.MeanPosteriorSigma.ToString("F3", CultureInfo.InvariantCulture) + Estimated(r),
            Value: r => r.Summary.MeanPosteriorSigma, Format: Fixed3, Suffix: Estimated));
        if (runs.Any(r => r.Summary.ReconstructionToMeanImageRms is not null) && (runs.Count > 1 || runs.Any(r => r.Summary.ActiveUnits == 0)))
            columns.Add(new("reconstruction vs. mean image (RMS)",
                r => r.Summary.ReconstructionToMeanImageRms is { } rms ? rms.ToString("F3", CultureInfo.InvariantCulture) : "–",
                Value: r => r.Summary.ReconstructionToMeanImageRms, Format: Fixed3));
        if (runs.Any(r => r.Summary.ClassConditionalAccuracy is not null))
            columns.Add(new("class-conditional accuracy",
                r => r.Summary.ClassConditionalAccuracy is { } accuracy ? accuracy.ToString("P1", CultureInfo.InvariantCulture) : "–",
                Value: r => r.Summary.ClassConditionalAccuracy, Format: v => v.ToString("P1", CultureInfo.InvariantCulture)));
        // The seeds' times say little one by one (the machine's load varies): their mean ± sd only.
        columns.Add(new("training time", r => Duration(r.Summary.TrainSeconds), Value: r => r.Summary.TrainSeconds, Format: Duration, PerSeed: false));
        return columns;
    }

    /// <summary>What the numbers are and over how many test images: the ELBO terms over all, the bound over its own count.</summary>
    internal static string Note(IReadOnlyList<ReportRun> runs)
    {
        var note = new StringBuilder("Test-set values in nats per image. −ELBO, reconstruction and KL: ")
            .Append(Images(runs.Select(r => r.Summary.TestImages))).Append(" test images");
        var counts = runs.Where(r => r.ImportanceWeightedBound is not null).Select(r => r.ImportanceImages).ToList();
        if (counts.Count > 0)
        {
            note.Append("; IWAE bound: the importance-weighted bound −L_k (Burda et al. 2016) over ")
                .Append(counts.All(c => c is not null) ? $"the first {Images(counts.Select(c => c!.Value))} of them" : "a part of them (a run written before the count was recorded does not say how many)")
                .Append(", not on exactly the images of the −ELBO");
        }
        if (runs.Any(r => r.Summary.ImportanceWeightedBoundBitsPerDimension is not null))
            note.Append("; bits/dim: that bound / (pixels · ln 2), given only for a likelihood that is a probability mass function over the 256 grey levels " +
                        "(a density's nats, and the Bernoulli's on grey levels, are no code length)");
        note.Append(". Training time: the epochs' training and test passes, without the evaluation and pictures after them.");
        note.Append(SeedNote(runs));
        return note.ToString();
    }

    /// <summary>"1,000" when every run shares the count, "500–1,000" when they differ.</summary>
    private static string Images(IEnumerable<int> counts)
    {
        var values = counts.Distinct().Order().ToList();
        return values.Count == 1
            ? values[0].ToString("N0", CultureInfo.InvariantCulture)
            : $"{values[0].ToString("N0", CultureInfo.InvariantCulture)}–{values[^1].ToString("N0", CultureInfo.InvariantCulture)}";
    }

    /// <summary>"245.31 (k=100, 500 images)": the bound with its samples and the images it averages over.</summary>
    private static string Importance(ReportRun run) => run.ImportanceWeightedBound is { } bound ? Number(bound) + ImportanceSettings(run) : "–";

    /// <summary>" (k=100, 500 images)": the samples and images of the run's importance-weighted bound.</summary>
    private static string ImportanceSettings(ReportRun run)
    {
        var images = run.ImportanceImages is { } n ? $", {n.ToString("N0", CultureInfo.InvariantCulture)} images" : "";
        return $" (k={run.ImportanceSamples}{images})";
    }

    /// <summary>"42.3 s" below a minute, "1 min 05 s" below an hour, "1 h 02 min" above.</summary>
    internal static string Duration(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "–";
        if (seconds < 60) return string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s");
        long whole = (long)Math.Round(seconds);
        return whole < 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{whole / 60} min {whole % 60:00} s")
            : string.Create(CultureInfo.InvariantCulture, $"{whole / 3600} h {whole / 60 % 60:00} min");
    }

    private static string Number(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
