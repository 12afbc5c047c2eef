using System.Globalization;
using Workbench.Data;
using Workbench.Display;
using Workbench.Evaluation;
using Workbench.Experiments.Figures;
using Workbench.Models;
using Workbench.Models.SemiSupervised;
using Workbench.Plotting.Imaging;
using Workbench.Tensors;

namespace Workbench.Notebooks;

// Semi-supervised M2 (Kingma et al. 2014): its classification error and its pictures. Train it with Lab.Train and a
// SemiSupervisedVaeConfig (the labelled subset is drawn from the training images by the config's labels and labelSeed).
public static partial class Lab
{
    /// <summary>The fraction of <paramref name="test"/>'s images that q(y|x) of an M2 model (or its classifier-only baseline) labels wrongly, in [0, 1].</summary>
    public static double ClassificationError(VariationalAutoencoder model, ImageDataset test) =>
        Evaluation.ClassificationError.Evaluate(SemiSupervised(model), test);

    /// <summary>
    /// Test classification error of each run, in percent, with the number of labels it learnt from and what it trained
    /// (M2 or the classifier alone): one row per run.
    /// </summary>
    public static HtmlTable ClassificationErrors(IEnumerable<LabRun> runs, ImageDataset test, string? caption = "Test classification error of q(y|x)")
    {
        var table = new HtmlTable(["run", "labels", "objective", "test error %"], caption);
        foreach (var run in runs)
            table.AddRow(run.Name, run.Config?.LabelRequest?.Labels, run.Objective, 100 * ClassificationError(run.Model, test));
        return table;
    }

    /// <summary>
    /// Class-conditional samples with the style kept: <paramref name="styles"/> draws z ~ p(z), one per column, each decoded
    /// with every class, one class per row (labelled with <paramref name="classNames"/>, or the class numbers).
    /// </summary>
    public static ImageGrid EveryClass(VariationalAutoencoder model, int styles = 8, ulong seed = 0, IReadOnlyList<string>? classNames = null)
    {
        var m2 = SemiSupervised(model);
        var samples = m2.SampleEveryClass(styles, new Rng(seed));                        // (styles·K, D), row i·K + y
        var classMajor = new int[styles * m2.Classes];
        for (int y = 0; y < m2.Classes; y++)
            for (int i = 0; i < styles; i++) classMajor[y * styles + i] = i * m2.Classes + y;
        var grid = PictureGrids.Grid(m2, samples.GatherRows(classMajor), styles);
        return grid.WithLabels(new GridLabels { Rows = ClassNames(m2, classNames), RowTitle = "class" });
    }

    /// <summary>
    /// The analogies of Kingma et al. (2014): the first <paramref name="count"/> images of <paramref name="data"/> (top row,
    /// one per column), each one's style z = E[q(z|x, y)] inferred with the class q(y|x) predicts (or its true label when
    /// <paramref name="trueLabels"/>) and decoded with every class (one class per row below).
    /// </summary>
    public static ImageGrid Analogies(VariationalAutoencoder model, ImageDataset data, int count = 8, bool trueLabels = false, IReadOnlyList<string>? classNames = null)
    {
        var m2 = SemiSupervised(model);
        count = Math.Min(count, data.Count);
        var (images, labels) = data.Batch(Enumerable.Range(0, count).ToArray());
        var decoded = m2.Analogies(images, trueLabels ? labels : null);          // (count·K, D), row b·K + y
        int pixels = m2.Pixels;
        var tiles = new float[(m2.Classes + 1) * count * pixels];
        images.Span.CopyTo(tiles);                                                // the top row: the test images
        var generated = decoded.Span;
        for (int y = 0; y < m2.Classes; y++)
            for (int b = 0; b < count; b++)
                generated.Slice((b * m2.Classes + y) * pixels, pixels).CopyTo(tiles.AsSpan(((y + 1) * count + b) * pixels, pixels));
        var grid = ImageGrid.FromBatch(tiles, (m2.Classes + 1) * count, m2.ImageChannels, m2.ImageHeight, m2.ImageWidth, columns: count, scale: 2);
        return grid.WithLabels(new GridLabels { Rows = ["test image", .. ClassNames(m2, classNames)], RowTitle = "its style as" });
    }

    private static string[] ClassNames(SemiSupervisedVae model, IReadOnlyList<string>? names)
    {
        if (names is not null && names.Count != model.Classes)
            throw new ArgumentException($"{names.Count} class names for a model of {model.Classes} classes.", nameof(names));
        return Enumerable.Range(0, model.Classes).Select(c => names?[c] ?? c.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    private static SemiSupervisedVae SemiSupervised(VariationalAutoencoder model) =>
        model as SemiSupervisedVae ?? throw new ArgumentException($"This needs a semi-supervised M2 model (variant \"m2\"); got a {model.GetType().Name}.", nameof(model));
}
