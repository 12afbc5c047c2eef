using Workbench.Experiments.Definitions;
using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;

namespace Workbench.Experiments.Reports;

/// <summary>
/// The pictures section of a report: for each kind of picture a run writes (reconstructions, prior
/// samples, traversals, latent manifold, class-conditional grid, latent scatter), that picture of
/// every run side by side, so a grid's runs compare at a glance and a single run shows all it has.
/// </summary>
internal static class ReportPictures
{
    /// <summary>A picture kind: its file under the run folder, heading and what to look for.</summary>
    private sealed record Kind(string File, string Heading, string Explanation);

    private static readonly Kind[] Kinds =
    [
        new("images/reconstructions.png", "Reconstructions",
            "Test images (rows labelled original) above their reconstructions E[x | z = μ(x)] (rows labelled reconstruction)."),
        new("images/samples.png", "Prior samples", "Images decoded from z ~ p(z): what the model generates."),
        new("images/samples-ex-post-mixture.png", "Ex-post mixture samples",
            "Images decoded from z drawn from a Gaussian mixture fitted to μ(x) of the training images (Ghosh et al. 2020) instead of from p(z)."),
        new("images/traversals.png", "Latent traversals",
            "From one test image's μ(x), each row sweeps the latent dimension named on its left over the values along the top, the others fixed."),
        new("images/manifold.png", "Latent manifold", "Decoded images on a grid over the two latent dimensions: z0 along the top, z1 down the left, at Gaussian quantiles."),
        new("images/class-conditional.png", "Class-conditional samples", "Samples given each class label, one class per row named on its left, z ~ N(0, I)."),
        new("images/denoising.png", "Denoised test images",
            "Top row: clean test images; then for Gaussian noise, salt and pepper and a masked square in turn: the corrupted images, and the model's reconstructions of them."),
        new("figures/latent-scatter.png", "Latent scatter", "μ(x) of test images, coloured by class."),
    ];

    private static string Caption(ReportRun run, string picture, bool objectivesDiffer, List<string>? notes)
    {
        var caption = objectivesDiffer ? $"{run.Id} ({run.Objective})" : RunLabels.Caption(run);
        // A traversal says which dimension each row sweeps and over which values.
        var rowsFile = Path.ChangeExtension(picture, ".json");
        if (Path.GetFileName(picture) != "traversals.png" || !File.Exists(rowsFile)) return caption;
        try
        {
            var rows = System.Text.Json.JsonSerializer.Deserialize<RunArtifacts.TraversalRows>(File.ReadAllText(rowsFile), ExperimentJson.Options);
            if (rows is null || rows.Values.Length == 0) return caption;
            // "most KL first" only where the rows' KL says so (runs drawn before the ranking show z0, z1, … in order).
            bool byKl = rows.Kl.Length == rows.Dimensions.Length && rows.Kl.All(float.IsFinite) && rows.Kl.Zip(rows.Kl.Skip(1)).All(p => p.First >= p.Second);
            return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{caption}: rows {string.Join(", ", rows.Dimensions)}{(byKl ? " (most KL first)" : "")}; columns z = {rows.Values[0]:0.##} … {rows.Values[^1]:+0.##}");
        }
        catch (System.Text.Json.JsonException e)
        {
            notes?.Add($"{rowsFile}: not valid traversal rows ({e.Message}); the traversal picture is captioned without them");
            return caption;
        }
    }

    /// <summary>
    /// One section per picture kind that at least one run has, in the order above. A picture that is no PNG, or
    /// that a link takes outside its run folder, is left out with a note (<see cref="RunFiles.Picture"/>).
    /// </summary>
    public static IEnumerable<ReportSection> Sections(IReadOnlyList<ReportRun> runs, List<string>? notes = null)
    {
        bool objectivesDiffer = runs.Select(r => r.Objective).Distinct().Skip(1).Any();
        foreach (var kind in Kinds)
        {
            var images = runs
                .Select(r => (Run: r, Path: RunFiles.Picture(r.Folder, kind.File, notes)))
                .Where(x => x.Path is not null)
                .Select(x => new ReportImage(Caption(x.Run, x.Path!, objectivesDiffer, notes), x.Path!))
                .ToList();
            if (images.Count > 0) yield return new ReportSection(kind.Heading, kind.Explanation, [], images);
        }
    }
}
