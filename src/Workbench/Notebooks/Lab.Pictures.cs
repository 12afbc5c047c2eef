using Workbench.Display;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.Figures;
using Workbench.Models;
using Workbench.Plotting;
using Workbench.Plotting.Imaging;

namespace Workbench.Notebooks;

// Pictures of a trained model, as image grids and figures that display in the notebook.
public static partial class Lab
{
    /// <summary>The first <paramref name="count"/> images of a dataset as they are, before any model sees them.</summary>
    public static ImageGrid Images(ImageDataset data, int count = 32, int columns = 8)
    {
        count = Math.Min(count, data.Count);
        return ImageGrid.FromBatch(data.Batch(Enumerable.Range(0, count).ToArray()).Images.ToArray(), count, data.Channels, data.Height, data.Width, columns: columns, scale: 2);
    }

    /// <summary>Rows of test images, each followed by a row of their reconstructions E[x | z = μ(x)]; rows labelled "original" and "reconstruction".</summary>
    public static ImageGrid Reconstructions(VariationalAutoencoder model, ImageDataset data, int count = 16, int columns = 8) =>
        PictureGrids.Reconstructions(model, data, count, columns);

    /// <summary>Images decoded from z ~ p(z) (a conditional model cycles through the classes).</summary>
    public static ImageGrid Samples(VariationalAutoencoder model, int count = 32, ulong seed = 0, int columns = 8) =>
        PictureGrids.Samples(model, count, seed, columns);

    /// <summary>
    /// One row per latent dimension, the <paramref name="dimensions"/> with the most KL on <paramref name="data"/>
    /// first (as the CLI's traversals.png): that coordinate of μ(x) swept over [−range, +range], the others fixed.
    /// Each row is labelled with its dimension and KL ("z3 2.31 nats"), each column with the value. A model whose
    /// KL has no per-dimension form (e.g. a VampPrior) ranks by the activity Var(μ) and labels rows by name only.
    /// </summary>
    public static ImageGrid Traversals(VariationalAutoencoder model, ImageDataset data, int dimensions = 10, int steps = 9, float range = 3f, int imageIndex = 0)
    {
        var (usage, measure) = LatentDimensions.Usage(model, data);
        var (images, rows) = RunArtifacts.Traversals(model, data, usage, dimensions, steps, range, imageIndex); // (rows·steps, D)
        return PictureGrids.Traversals(model, images, rows, Pictures.TraversalValues(steps, range), klPerDimension: measure == "KL" ? usage : null);
    }

    /// <summary>The decoded 2-D latent plane at Gaussian quantiles (needs a 2-D latent), z0 and z1 labelled along the axes.</summary>
    public static ImageGrid Manifold(VariationalAutoencoder model, int side = 15) =>
        PictureGrids.Manifold(model, side, scale: 1);

    /// <summary>
    /// For a conditional model: <paramref name="perClass"/> samples of each class, one class per row, each row
    /// labelled with its class name (e.g. <c>test.ClassNames</c>), or its number when no names are given.
    /// </summary>
    public static ImageGrid ClassGrid(VariationalAutoencoder model, int perClass = 10, ulong seed = 0, IReadOnlyList<string>? classNames = null) =>
        PictureGrids.ClassGrid(model, perClass, seed, classNames);

    /// <summary>μ(x) of test images on the first two latent dimensions, coloured by class.</summary>
    public static Figure LatentScatter(VariationalAutoencoder model, ImageDataset data, int count = 1000, string? title = null) =>
        RunArtifacts.LatentScatter(model, data, count, title);

    /// <summary>
    /// μ(x) of the first <paramref name="count"/> images of <paramref name="data"/> for each run, on its first two
    /// latent dimensions, coloured by class: one figure, a panel per run titled with its name, each panel on its
    /// own scale, and one legend for all (clicking a class hides it in every panel).
    /// </summary>
    public static Figure LatentScatters(IEnumerable<LabRun> runs, ImageDataset data, int count = 500, string? title = "μ(x) of test images, coloured by class")
    {
        var list = runs.ToList();
        if (list.Count == 0) throw new ArgumentException("Give at least one run.", nameof(runs));
        int columns = Math.Min(list.Count, 4), rows = (list.Count + columns - 1) / columns;
        var grid = Subplots.Grid(rows, columns, list.Select(r => r.Name).ToArray(), horizontalSpacing: 0.28 / columns, verticalSpacing: 0.3 / rows);
        for (int i = 0; i < list.Count; i++)
        {
            int row = i / columns + 1, column = i % columns + 1;
            var panel = RunArtifacts.LatentScatter(list[i].Model, data, count, title: null);
            foreach (var trace in panel.Data)
            {
                trace.LegendGroup = trace.Name;
                trace.ShowLegend = i == 0;
                grid.Add(trace, row, column);
            }
            grid.XAxis(row, column).Title = panel.Layout.XAxis().Title;
            grid.YAxis(row, column).Title = panel.Layout.YAxis().Title;
        }
        grid.Figure.Layout.Legend = new Legend { ItemSizing = "constant" };
        if (title is not null) grid.Figure.WithTitle(title);
        return grid.Figure.WithSize(300 * columns + 200, 340 * rows + 160);
    }

    /// <summary>The ELBO components per epoch (train solid, test dashed).</summary>
    public static Figure ElboFigure(LabRun run) => run.ElboFigure();

    /// <summary>Items side by side under headings, e.g. <c>Lab.SideBySide(runs.Select(r =&gt; (r.Name, (IHtmlDisplayable)Lab.Samples(r))))</c>.</summary>
    public static HtmlRow SideBySide(IEnumerable<(string Heading, IHtmlDisplayable Item)> items)
    {
        var row = new HtmlRow();
        foreach (var (heading, item) in items) row.Add(heading, item);
        return row;
    }

    /// <summary>One picture per run side by side under the run's name, e.g. <c>Lab.SideBySide(runs, r =&gt; Lab.Samples(r, 16))</c>.</summary>
    public static HtmlRow SideBySide(IEnumerable<LabRun> runs, Func<LabRun, IHtmlDisplayable> picture) =>
        SideBySide(runs.Select(r => (r.Name, picture(r))));
}
