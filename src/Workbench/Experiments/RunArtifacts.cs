using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Plotting;
using Workbench.Plotting.Charts;
using Workbench.Plotting.Imaging;
using Workbench.Tensors;
using Workbench.Training;

namespace Workbench.Experiments;

/// <summary>The pictures and figures of one run: images/ (PNG grids) and figures/ (ELBO components, latent scatter).</summary>
public static class RunArtifacts
{
    /// <summary>The per-epoch ELBO components, train and test.</summary>
    public static Figure ElboFigure(IReadOnlyList<EpochMetrics> history, string title)
    {
        var epochs = history.Select(m => m.Epoch).ToArray();
        var train = new ElboCurves(history.Select(m => m.TrainReconstruction).ToArray(), history.Select(m => m.TrainKl).ToArray(),
            history.Select(m => m.TrainReconstruction + m.TrainKl).ToArray());
        ElboCurves? test = history.All(m => m.TestLoss is not null)
            ? new ElboCurves(history.Select(m => m.TestReconstruction!.Value).ToArray(), history.Select(m => m.TestKl!.Value).ToArray(),
                history.Select(m => m.TestNegativeElbo!.Value).ToArray())
            : null;
        return VaeCharts.ElboComponents(epochs, train, test, title);
    }

    /// <summary>Writes every picture of a trained model into the run folder.</summary>
    public static void Write(VariationalAutoencoder model, ImageDataset test, RunFolder folder, FigureFiles figures, ulong seed)
    {
        int h = model.Config.ImageHeight, w = model.Config.ImageWidth;
        ImageGrid Grid(Tensor batch, int columns) => ImageGrid.FromBatch(batch.ToArray(), batch.Dim(0), 1, h, w, columns: columns, scale: 2);

        FigureFiles.Save(Grid(Pictures.ReconstructionPairs(model, test, count: 32, columns: 8), 8), folder.ImagesDirectory, "reconstructions");
        FigureFiles.Save(Grid(Pictures.PriorSamples(model, 64, seed), 8), folder.ImagesDirectory, "samples");
        int steps = 9;
        FigureFiles.Save(Grid(Pictures.Traversals(model, test, dimensions: 10, steps: steps), steps), folder.ImagesDirectory, "traversals");
        if (model is ConditionalVae cvae)
            FigureFiles.Save(Grid(Pictures.ClassGrid(cvae, perClass: 10, seed), 10), folder.ImagesDirectory, "class-conditional");
        if (model.Config.LatentSize == 2 && model is not ConditionalVae)
            FigureFiles.Save(Grid(Pictures.Manifold(model, side: 15), 15), folder.ImagesDirectory, "manifold");

        var (means, labels) = Pictures.LatentMeans(model, test, count: 2000);
        if (model.Config.LatentSize >= 2)
        {
            int latent = model.Config.LatentSize;
            var z1 = new float[labels.Length];
            var z2 = new float[labels.Length];
            for (int i = 0; i < labels.Length; i++)
            {
                z1[i] = means.Span[i * latent];
                z2[i] = means.Span[i * latent + 1];
            }
            var title = latent == 2 ? "Latent space: μ(x) of test images" : "Latent space: first two dimensions of μ(x)";
            figures.Save(VaeCharts.LatentScatter(z1, z2, labels, test.ClassNames, title), folder.FiguresDirectory, "latent-scatter", 700, 600);
        }
    }
}
