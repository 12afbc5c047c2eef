using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.Models;
using Workbench.Plotting;
using Workbench.Plotting.Charts;

namespace Workbench.Experiments.Running;

/// <summary>
/// Denoising with a trained model: <c>denoising.json</c> (PSNR of the corrupted inputs and of the model's
/// reconstructions, per corruption) and pictures of clean, corrupted and reconstructed test images.
/// </summary>
public static class DenoisingArtifacts
{
    public const string FileName = "denoising.json";

    /// <summary>Test images the PSNR is averaged over (the first this many).</summary>
    public const int Images = 1000;

    /// <summary>Images per row in the pictures.</summary>
    public const int Columns = 8;

    /// <summary>Evaluates <paramref name="model"/> on the standard corruptions and writes denoising.json and images/denoising.png.</summary>
    public static IReadOnlyList<DenoisingResult> Write(VariationalAutoencoder model, ImageDataset test, RunFolder folder, ulong seed)
    {
        var results = Denoising.Evaluate(model, test, Corruption.Standard, Images, seed);
        folder.WriteJson(FileName, results);
        // Rows: the clean images, then per corruption the corrupted images and their reconstructions.
        var rows = Rows([("model", model)], test, seed).SelectMany(r => r.Images).ToArray();
        FigureFiles.Save(Plotting.Imaging.ImageGrid.Compose(rows, test.Height, test.Width, test.Channels, columns: Columns, scale: 2), folder.ImagesDirectory, "denoising");
        return results;
    }

    /// <summary>
    /// Labelled rows for a picture of the first <see cref="Columns"/> test images: clean, then for every
    /// standard corruption the corrupted images and each model's reconstruction of them.
    /// </summary>
    public static List<ImageRow> Rows(IReadOnlyList<(string Label, VariationalAutoencoder Model)> models, ImageDataset test, ulong seed)
    {
        static float[][] Split(Tensors.Tensor batch) =>
            Enumerable.Range(0, batch.Dim(0)).Select(i => batch.Span.Slice(i * batch.Dim(1), batch.Dim(1)).ToArray()).ToArray();
        var rows = new List<ImageRow>();
        foreach (var corruption in Corruption.Standard)
        {
            for (int m = 0; m < models.Count; m++)
            {
                var (clean, corrupted, output) = Denoising.Run(models[m].Model, test, corruption, Columns, seed);
                if (rows.Count == 0) rows.Add(new ImageRow("clean", Split(clean)));
                if (m == 0) rows.Add(new ImageRow(corruption.Describe(), Split(corrupted)));
                rows.Add(new ImageRow($"{models[m].Label} output", Split(output)));
            }
        }
        return rows;
    }

    /// <summary>The labelled picture: clean, corrupted, and each model's output, one row each.</summary>
    public static Figure Figure(IReadOnlyList<(string Label, VariationalAutoencoder Model)> models, ImageDataset test, ulong seed) =>
        VaeCharts.LabelledImageRows(Rows(models, test, seed), test.Height, test.Width, scale: 2, channels: test.Channels,
            title: "Denoising: clean test images, corrupted, and each model's reconstruction");
}
