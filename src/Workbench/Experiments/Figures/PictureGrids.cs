using System.Globalization;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Plotting.Imaging;
using Workbench.Tensors;

namespace Workbench.Experiments.Figures;

/// <summary>
/// The pictures of <see cref="Pictures"/> as image grids that say what they show, in text drawn into the
/// picture: which rows are originals and which reconstructions, each traversal row's dimension and the
/// values swept, the manifold's coordinates, each class-conditional row's class. Run folders and notebooks
/// draw them the same way. Labels are drawn at the images' enlargement, so they read at the picture's own size.
/// </summary>
public static class PictureGrids
{
    /// <summary>A batch of images (N, C·H·W) from <paramref name="model"/> tiled into a grid (RGB for three channels), each image enlarged <paramref name="scale"/>×, without labels.</summary>
    public static ImageGrid Grid(VariationalAutoencoder model, Tensor batch, int columns, int scale = 2) =>
        ImageGrid.FromBatch(batch.ToArray(), batch.Dim(0), model.ImageChannels, model.ImageHeight, model.ImageWidth, columns: columns, scale: scale);

    /// <summary>Test images above their reconstructions, rows named "original" and "reconstruction".</summary>
    public static ImageGrid Reconstructions(VariationalAutoencoder model, ImageDataset data, int count = 32, int columns = 8, int scale = 2)
    {
        var grid = Grid(model, Pictures.ReconstructionPairs(model, data, count, columns), columns, scale);
        return grid.WithLabels(ReconstructionLabels(grid.Rows, scale));
    }

    /// <summary>Labels of a reconstruction grid: rows alternate originals and their reconstructions.</summary>
    public static GridLabels ReconstructionLabels(int rows, int scale = 2) => new()
    {
        Rows = Enumerable.Range(0, rows).Select(r => r % 2 == 0 ? "original" : "reconstruction").ToArray(),
        Scale = scale,
    };

    /// <summary>
    /// Images decoded from z ~ p(z). Every tile is a sample, so an unconditional model's grid has no labels; a
    /// conditional model's samples cycle through the classes, and when there is one column per class each column
    /// is headed by the number of the class it asks for, under "requested class".
    /// </summary>
    public static ImageGrid Samples(VariationalAutoencoder model, int count, ulong seed, int columns = 8, int scale = 2)
    {
        var grid = Grid(model, Pictures.PriorSamples(model, count, seed), columns, scale);
        int classes = model.Conditioning.Classes;
        if (!model.Conditioning.IsConditional || columns != classes) return grid;
        return grid.WithLabels(new GridLabels
        {
            Columns = Enumerable.Range(0, classes).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray(),
            ColumnTitle = "requested class",
            Scale = scale,
        });
    }

    /// <summary>
    /// Traversal images (rows·steps, D), one row per dimension in <paramref name="dimensions"/>, labelled with
    /// the dimension (z3) on the left, with its KL when <paramref name="klPerDimension"/> is given (indexed by
    /// dimension, nats), and the value it is set to on top.
    /// </summary>
    public static ImageGrid Traversals(VariationalAutoencoder model, Tensor images, IReadOnlyList<int> dimensions, IReadOnlyList<float> values,
        int scale = 2, IReadOnlyList<float>? klPerDimension = null)
    {
        var grid = Grid(model, images, values.Count, scale);
        return grid.WithLabels(TraversalLabels(dimensions, values, scale, klPerDimension));
    }

    /// <summary>
    /// Labels of a traversal grid: z-names on the rows ("z3", or "z3 2.31 nats" with its KL when
    /// <paramref name="klPerDimension"/> is given), the swept values (signed, as "-1.5", "0", "+1.5") on the columns.
    /// </summary>
    public static GridLabels TraversalLabels(IReadOnlyList<int> dimensions, IReadOnlyList<float> values, int scale = 2, IReadOnlyList<float>? klPerDimension = null) => new()
    {
        Rows = dimensions.Select(d => klPerDimension is not null && d < klPerDimension.Count
            ? string.Create(CultureInfo.InvariantCulture, $"{LatentDimensions.Name(d)} {klPerDimension[d]:F2} nats")
            : LatentDimensions.Name(d)).ToArray(),
        Columns = values.Select(v => Signed(v, "0.##")).ToArray(),
        ColumnTitle = "value of the row's dimension",
        RowTitle = klPerDimension is null ? null : "dimension, KL",
        Scale = scale,
    };

    /// <summary>The decoded 2-D latent plane with z0 along the top and z1 down the left at each column's and row's value.</summary>
    public static ImageGrid Manifold(VariationalAutoencoder model, int side = 15, int scale = 2)
    {
        var grid = Grid(model, Pictures.Manifold(model, side), side, scale);
        return grid.WithLabels(ManifoldLabels(side, scale));
    }

    /// <summary>Labels of a manifold grid: z0 of each column (ascending) and z1 of each row (descending, top row highest).</summary>
    public static GridLabels ManifoldLabels(int side, int scale = 2)
    {
        var coordinates = Pictures.ManifoldCoordinates(side);
        return new GridLabels
        {
            Columns = coordinates.Select(v => Signed(v, "0.0")).ToArray(),
            Rows = coordinates.Reverse().Select(v => Signed(v, "0.0")).ToArray(),
            ColumnTitle = LatentDimensions.Name(0),
            RowTitle = LatentDimensions.Name(1),
            Scale = scale,
        };
    }

    /// <summary>
    /// For a conditional model: <paramref name="perClass"/> samples of each class, one class a row, named by
    /// <paramref name="classNames"/> (by number when null).
    /// </summary>
    public static ImageGrid ClassGrid(VariationalAutoencoder model, int perClass, ulong seed, IReadOnlyList<string>? classNames, int scale = 2)
    {
        var grid = Grid(model, Pictures.ClassGrid(model, perClass, seed), perClass, scale);
        return grid.WithLabels(ClassLabels(model.Conditioning.Classes, classNames, scale));
    }

    /// <summary>Labels of a class grid: the class of each row, under the heading "class".</summary>
    public static GridLabels ClassLabels(int classes, IReadOnlyList<string>? classNames, int scale = 2)
    {
        if (classNames is not null && classNames.Count != classes)
            throw new ArgumentException($"{classNames.Count} class names for a model of {classes} classes.", nameof(classNames));
        return new GridLabels
        {
            Rows = Enumerable.Range(0, classes).Select(c => classNames?[c] ?? c.ToString(CultureInfo.InvariantCulture)).ToArray(),
            RowTitle = "class",
            Scale = scale,
        };
    }

    /// <summary>"+1.5", "-1.5", "0": a coordinate with its sign, zero unsigned.</summary>
    private static string Signed(float value, string format)
    {
        var text = Math.Abs(value).ToString(format, CultureInfo.InvariantCulture);
        return text.Trim('0', '.').Length == 0 ? text : (value < 0 ? "-" : "+") + text;
    }
}
