using Workbench.Data;
using Workbench.Experiments.Definitions;
using Workbench.Models;

namespace Workbench.Experiments.Running;

/// <summary>
/// Checks, before any folder is created, that a run's images fit its model: channels and image size (train and
/// test) and, for a conditional VAE, the number of classes. A mismatch names the data file and the field.
/// </summary>
internal static class DataFit
{
    public static void Require(string experimentFile, RunSpec run, ImageDataset train, ImageDataset test)
    {
        var config = run.Definition.Model;
        var (channels, height, width, conditioning) = run.Composed?.Model is { } composed
            ? (composed.ImageChannels, composed.ImageHeight, composed.ImageWidth, composed.Conditioning)
            : (config.ImageChannels, config.ImageHeight, config.ImageWidth, config.Conditioning);
        var data = run.Definition.Data;
        string point = run.Overrides.Count == 0 ? "" : $"grid point {run.Id}: ";
        foreach (var (images, split) in new[] { (train, DatasetSplit.Train), (test, DatasetSplit.Test) })
        {
            if (images.Channels == channels && images.Height == height && images.Width == width) continue;
            if (images.Height == height && images.Width == width)
                throw new DataFileException(Source(data, split),
                    $"{point}the {split.ToString().ToLowerInvariant()} images have {Channels(images.Channels)} but the model expects {Channels(channels)} " +
                    $"(model.imageChannels in {experimentFile}; set it to {images.Channels})");
            throw new DataFileException(Source(data, split),
                $"{point}the {split.ToString().ToLowerInvariant()} images are {images.Height}×{images.Width} pixels but the model expects " +
                $"{height}×{width} (model.imageHeight, model.imageWidth in {experimentFile})");
        }
        if (data.HeldOutClass is { } heldOut && heldOut >= train.ClassNames.Count)
            throw new ExperimentFileException(experimentFile, "data.heldOutClass",
                $"{point}is {heldOut} but dataset '{data.Dataset}' has classes 0–{train.ClassNames.Count - 1}");
        if (config.LabelRequest is { } labels && labels.Labels > train.Count)
            throw new ExperimentFileException(experimentFile, "model.labels",
                $"{point}is {labels.Labels} but the training set of '{data.Dataset}' has {train.Count} images; at most {train.Count - train.Count % train.ClassNames.Count} labels (a multiple of {train.ClassNames.Count}) fit");
        if (config.LabelRequest is { } request && train.ClassCounts().Min() < request.Labels / train.ClassNames.Count)
            throw new ExperimentFileException(experimentFile, "model.labels",
                $"{point}is {request.Labels}, {request.Labels / train.ClassNames.Count} per class, but a class of '{data.Dataset}' has only {train.ClassCounts().Min()} training images");
        if (conditioning.IsConditional && conditioning.Classes != train.ClassNames.Count)
            throw new ExperimentFileException(experimentFile, "model.classes",
                $"{point}is {conditioning.Classes} but dataset '{data.Dataset}' has {train.ClassNames.Count} classes; set it to {train.ClassNames.Count}");
    }

    private static string Channels(int count) => count == 1 ? "1 channel (greyscale)" : count == 3 ? "3 channels (RGB)" : $"{count} channels";

    /// <summary>The image file of <paramref name="split"/> when the dataset comes from IDX files, your file or folder (data.path), else the dataset's name.</summary>
    private static string Source(DataSpec data, DatasetSplit split)
    {
        if ((data.PathFullPath ?? data.Path) is { } yourFile) return yourFile;
        IdxDatasetSpec? spec = data.Dataset switch
        {
            "fashion-mnist" => FashionMnist.Spec,
            "mnist" => Mnist.Spec,
            _ => null,
        };
        if (spec is null) return $"dataset '{data.Dataset}'";
        var options = data.Directory is { } directory ? new IdxLoadOptions { Directory = directory } : null;
        return IdxDatasetLoader.Locate(spec, split, options)?.ImagesPath ?? $"dataset '{data.Dataset}'";
    }
}
