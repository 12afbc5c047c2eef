using Workbench.Data;
using Workbench.Display;
using Workbench.Evaluation;
using Workbench.Plotting;
using Workbench.Plotting.Charts;

namespace Workbench.Notebooks;

public static partial class Lab
{
    /// <summary>
    /// For models with a two-dimensional latent: the true posterior p(z|x) of each of the given test images on a grid,
    /// the model's q(z|x) from 20,000 draws (on a window around the posterior), log p(x) by grid integration and the ELBO, so the gap
    /// log p(x) − ELBO = KL(q ‖ p(z|x)) says in nats what each approximation costs. Display it for the table;
    /// <see cref="PosteriorPictures"/> draws it.
    /// </summary>
    public static PosteriorComparison ComparePosteriors(IReadOnlyList<LabRun> runs, ImageDataset data, int[] images, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0 || images.Length == 0) throw new ArgumentException("Compare at least one run on at least one image.");
        var grids = runs.Select(r => images.Select(i => PosteriorGrid.Evaluate(r.Model, data, i, seed: seed)).ToArray()).ToArray();
        var families = runs.Select(r => r.Config?.Posterior?.Describe() ?? "diagonal Gaussian").ToArray();
        return new PosteriorComparison(runs.Select(r => r.Name).ToArray(), families, images, grids);
    }

    /// <summary>
    /// The comparison as heatmaps: a row per image; per run, the true posterior p(z|x) under that run's decoder and then its
    /// approximation q(z|x) (a histogram of its draws), titled with the gap in nats; drawn at a third of the grid's resolution (3×3 blocks averaged).
    /// </summary>
    public static Figure PosteriorPictures(PosteriorComparison comparison, string? title = "True posterior p(z|x) beside the approximation q(z|x)")
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var panels = new List<DensityPanel>();
        for (int i = 0; i < comparison.Images.Count; i++)
            for (int r = 0; r < comparison.Runs.Count; r++)
            {
                var grid = comparison.Grids[r][i];
                var (x, y) = (Halve(grid.X), Halve(grid.Y));
                panels.Add(new DensityPanel($"image {comparison.Images[i]}, {comparison.Runs[r]}: p(z|x)", x, y, Halve(grid.TrueDensity)));
                panels.Add(new DensityPanel(FormattableString.Invariant($"q(z|x), gap {grid.Gap:F2} nats"), x, y, Halve(grid.ApproximateDensity)));
            }
        return VaeCharts.DensityGrid(panels, 2 * comparison.Runs.Count, title);
    }

    private const int Block = 3;

    /// <summary>Centres of 3×3 blocks of cells (a last partial block dropped): a ninth of the values, so the saved notebook stays small.</summary>
    private static double[] Halve(double[] centres) =>
        Enumerable.Range(0, centres.Length / Block).Select(i => centres.Skip(Block * i).Take(Block).Average()).ToArray();

    /// <summary>The mean density of each 3×3 block of cells.</summary>
    private static double[,] Halve(double[,] density)
    {
        var result = new double[density.GetLength(0) / Block, density.GetLength(1) / Block];
        for (int row = 0; row < result.GetLength(0); row++)
            for (int column = 0; column < result.GetLength(1); column++)
            {
                double sum = 0;
                for (int i = 0; i < Block; i++)
                    for (int j = 0; j < Block; j++) sum += density[Block * row + i, Block * column + j];
                result[row, column] = sum / (Block * Block);
            }
        return result;
    }
}

/// <summary>True posteriors against approximations for several 2-D-latent runs (<see cref="Lab.ComparePosteriors"/>).</summary>
/// <param name="Runs">Run names.</param>
/// <param name="Families">Each run's posterior family in words.</param>
/// <param name="Images">The test images compared (indices).</param>
/// <param name="Grids">[run][image].</param>
[TypeFormatterSource(typeof(HtmlFormatterSource<PosteriorComparison>), PreferredMimeTypes = ["text/html"])]
public sealed record PosteriorComparison(IReadOnlyList<string> Runs, IReadOnlyList<string> Families, IReadOnlyList<int> Images, PosteriorOnGrid[][] Grids) : IHtmlDisplayable
{
    /// <summary>A row per run: its family, the mean log p(x), ELBO and gap over the images, and the gap of each image.</summary>
    public string ToHtml()
    {
        var columns = new List<string> { "run", "posterior", "log p(x)", "ELBO", "gap (nats)" };
        columns.AddRange(Images.Select(i => $"gap, image {i}"));
        var table = new HtmlTable(columns, $"log p(x) by grid integration, ELBO from {Grids[0][0].Samples:N0} draws of q; gap = log p(x) − ELBO = KL(q ‖ p(z|x)), nats per image, mean over {Images.Count} test images");
        for (int r = 0; r < Runs.Count; r++)
        {
            var row = new List<object?> { Runs[r], Families[r], Grids[r].Average(g => g.LogMarginal), Grids[r].Average(g => g.Elbo), Grids[r].Average(g => g.Gap) };
            row.AddRange(Grids[r].Select(g => (object?)g.Gap));
            table.AddRow([.. row]);
        }
        return table.ToHtml();
    }
}
