using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.RunFolders;
using Workbench.Models;
using Workbench.Plotting;
using Workbench.Plotting.Charts;
using Workbench.Plotting.Imaging;
using Workbench.Tensors;
using Workbench.Training;

namespace Workbench.Experiments.Figures;

/// <summary>The pictures and figures of one run: images/ (PNG grids) and figures/ (ELBO components, latent scatter).</summary>
public static class RunArtifacts
{
    /// <summary>
    /// The per-epoch ELBO components, train and test, with the training curves per step when <paramref name="steps"/> are given.
    /// When the run weighed its KL by β ≠ 1 in some epoch, the KL panel also draws β·KL, the term the optimiser minimised
    /// (train loss − train reconstruction, nats per image).
    /// </summary>
    public static Figure ElboFigure(IReadOnlyList<EpochMetrics> history, string title, IReadOnlyList<StepMetrics>? steps = null)
    {
        var epochs = history.Select(m => m.Epoch).ToArray();
        var train = new ElboCurves(history.Select(m => m.TrainReconstruction).ToArray(), history.Select(m => m.TrainKl).ToArray(),
            history.Select(m => m.TrainReconstruction + m.TrainKl).ToArray());
        ElboCurves? test = history.All(m => m.TestLoss is not null)
            ? new ElboCurves(history.Select(m => m.TestReconstruction!.Value).ToArray(), history.Select(m => m.TestKl!.Value).ToArray(),
                history.Select(m => m.TestNegativeElbo!.Value).ToArray())
            : null;
        return VaeCharts.ElboComponents(epochs, train, test, title, StepCurves(history, steps),
            WeightedKl(history) is { } weighted ? (DataArray)weighted : null);
    }

    /// <summary>
    /// The further training terms a model reported (<see cref="EpochMetrics.Terms"/>, e.g. a VAE–GAN's encoder, decoder and
    /// discriminator losses), one panel each, per epoch; null when the history has none.
    /// </summary>
    public static Figure? TrainingTermsFigure(IReadOnlyList<EpochMetrics> history, string title)
    {
        var names = history.SelectMany(m => m.Terms?.Keys ?? Enumerable.Empty<string>()).Distinct().ToList();
        if (names.Count == 0) return null;
        var epochs = history.Select(m => m.Epoch).ToArray();
        var terms = names.Select(name => new TrainingTermSeries(name.Replace('_', ' '),
            history.Select(m => m.Terms is { } t && t.TryGetValue(name, out var v) ? v : double.NaN).ToArray())).ToList();
        return VaeCharts.TrainingTerms(epochs, terms, title);
    }

    /// <summary>
    /// β·KL per epoch (train loss − train reconstruction) for a run whose KL weight differed from 1; null otherwise, and for
    /// capacity annealing, whose loss weighs |KL − C| instead. Objectives that report weight 1 (IWAE, β-TCVAE) draw none.
    /// </summary>
    internal static double[]? WeightedKl(IReadOnlyList<EpochMetrics> history) =>
        history.Count > 0 && history.All(m => m.KlTarget is null && double.IsFinite(m.KlWeight)) && history.Any(m => m.KlWeight != 1)
            ? history.Select(m => m.TrainLoss - m.TrainReconstruction).ToArray()
            : null;

    /// <summary>Per-step training curves at fractional epochs (step / steps per epoch), or null without steps.</summary>
    internal static (DataArray Epochs, ElboCurves Curves)? StepCurves(IReadOnlyList<EpochMetrics> history, IReadOnlyList<StepMetrics>? steps)
    {
        if (steps is not { Count: > 0 } || StepsPerEpoch(history) is not { } perEpoch) return null;
        return (steps.Select(p => p.Step / perEpoch).ToArray(),
            new ElboCurves(steps.Select(p => p.Reconstruction).ToArray(), steps.Select(p => p.Kl).ToArray(),
                steps.Select(p => p.Reconstruction + p.Kl).ToArray()));
    }

    /// <summary>Optimizer steps per epoch, from the first epoch's step count; null without history.</summary>
    internal static double? StepsPerEpoch(IReadOnlyList<EpochMetrics> history) =>
        history.Count > 0 && history[0].Step > 0 ? history[0].Step / (double)history[0].Epoch : null;

    /// <summary>
    /// μ(x) of the first <paramref name="count"/> images of <paramref name="data"/>, coloured by class, on the
    /// two latent dimensions with the most KL (named in the title). Needs a latent of at least two dimensions.
    /// </summary>
    /// <param name="klPerDimension">KL per dimension to rank by; null computes it on the same images.</param>
    public static Figure LatentScatter(VariationalAutoencoder model, ImageDataset data, int count = 2000, string? title = null, float[]? klPerDimension = null)
    {
        int latent = model.LatentSize;
        if (latent < 2) throw new InvalidOperationException($"A latent scatter needs at least two latent dimensions; this model has {latent}.");
        var (means, labels) = Pictures.LatentMeans(model, data, count); // (count, latent)
        var (kl, measure) = latent == 2 ? ([], "KL") : klPerDimension is { } given && given.Length == latent ? (given, "KL") : LatentDimensions.Usage(model, data, count);
        var dims = latent == 2 ? [0, 1] : LatentDimensions.MostActive(kl, latent, 2);
        Array.Sort(dims);
        var x = new float[labels.Length];
        var y = new float[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            x[i] = means.Span[i * latent + dims[0]];
            y[i] = means.Span[i * latent + dims[1]];
        }
        title ??= latent == 2 ? "Latent space: μ(x) of test images"
            : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"μ(x) on {LatentDimensions.Name(dims[0])} and {LatentDimensions.Name(dims[1])}, the two dimensions with the most {measure} ({kl[dims[0]]:F2}, {kl[dims[1]]:F2}{(measure == "KL" ? " nats" : "")})");
        return VaeCharts.LatentScatter(x, y, labels, data.ClassNames, title, LatentDimensions.Name(dims[0]), LatentDimensions.Name(dims[1]));
    }

    /// <summary>Latent traversals of image <paramref name="imageIndex"/>'s code in the <paramref name="dimensions"/> dimensions with the most KL, most first: one row each, <paramref name="steps"/> values over ±<paramref name="range"/>.</summary>
    /// <returns>The decoded images (rows·steps, D) and the dimension of each row.</returns>
    public static (Tensor Images, int[] Dimensions) Traversals(VariationalAutoencoder model, ImageDataset data, float[] klPerDimension, int dimensions = 10, int steps = 9, float range = 3f,
        int imageIndex = 0)
    {
        var order = LatentDimensions.MostActive(klPerDimension, model.LatentSize, dimensions);
        var all = Pictures.Traversals(model, data, dimensions: model.LatentSize, steps: steps, range: range, imageIndex: imageIndex); // (latent·steps, D)
        int pixels = all.Dim(1);
        var chosen = Tensor.Zeros(order.Length * steps, pixels);
        for (int row = 0; row < order.Length; row++)
            all.Span.Slice(order[row] * steps * pixels, steps * pixels).CopyTo(chosen.Span.Slice(row * steps * pixels, steps * pixels));
        return (chosen, order);
    }

    /// <summary>Writes every picture of a trained model into the run folder, each grid labelled (see <see cref="PictureGrids"/>).</summary>
    public static void Write(VariationalAutoencoder model, ImageDataset test, RunFolder folder, FigureFiles figures, ulong seed)
    {
        FigureFiles.Save(PictureGrids.Reconstructions(model, test, count: 32, columns: 8), folder.ImagesDirectory, "reconstructions");
        FigureFiles.Save(PictureGrids.Samples(model, 64, seed, columns: 8), folder.ImagesDirectory, "samples");
        var values = Pictures.TraversalValues(steps: 9, range: 3f);
        var (usage, measure) = LatentDimensions.Usage(model, test, seed: seed);
        float[] kl = measure == "KL" ? usage : []; // traversals.json reports KL only where the model has it per dimension
        var (traversals, rows) = Traversals(model, test, usage, dimensions: 10, steps: values.Length, range: 3f);
        FigureFiles.Save(PictureGrids.Traversals(model, traversals, rows, values), folder.ImagesDirectory, "traversals");
        folder.WriteJson("images/traversals.json", new TraversalRows(rows.Select(LatentDimensions.Name).ToArray(), rows.Select(d => d < kl.Length ? kl[d] : float.NaN).ToArray(), values));
        if (model.Conditioning.IsConditional)
            FigureFiles.Save(PictureGrids.ClassGrid(model, perClass: 10, seed, test.ClassNames), folder.ImagesDirectory, "class-conditional");
        else if (model.LatentSize == 2)
            FigureFiles.Save(PictureGrids.Manifold(model, side: 15), folder.ImagesDirectory, "manifold");
        if (model.LatentSize >= 2)
            figures.Save(LatentScatter(model, test, klPerDimension: kl.Length == 0 ? null : kl), folder.FiguresDirectory, "latent-scatter", 700, 600);
    }

    /// <summary>What the rows and columns of <c>images/traversals.png</c> show: one latent dimension a row (its KL, nats), one value of it a column.</summary>
    public sealed record TraversalRows(string[] Dimensions, float[] Kl, float[] Values);
}
