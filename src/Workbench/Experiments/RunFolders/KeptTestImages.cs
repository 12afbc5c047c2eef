using System.Globalization;
using System.Text.Json;
using Workbench.Data;
using Workbench.Experiments.Definitions;
using Workbench.IO;
using Workbench.Tensors;

namespace Workbench.Experiments.RunFolders;

/// <summary>
/// The test images of a run trained on images handed over in memory (a notebook's), kept in its folder as
/// <c>test-data.safetensors</c> so that <c>workbench eval</c>, <c>reconstruct</c> and <c>redraw</c> measure and draw
/// the run on the very images it was evaluated on. Values are float32 as the run saw them (so a measurement
/// repeats to the bit), tensors <c>images</c> (N, C, H, W) and <c>labels</c> (N); the metadata holds the class
/// names, the source and the run's data fingerprint. Kept only up to a size limit; results/**/*.safetensors is
/// git-ignored, as model files are.
/// </summary>
public static class KeptTestImages
{
    public const string FileName = "test-data.safetensors";

    /// <summary>The default size limit: test images taking more than 64 MiB as float32 are not kept (the 10 000 Fashion-MNIST test images take 30 MiB).</summary>
    public const long DefaultLimitBytes = 64L * 1024 * 1024;

    private const string ImagesTensor = "images", LabelsTensor = "labels";
    private const string ClassNamesKey = "classNames", SourceKey = "source", FingerprintKey = "fingerprint";

    /// <summary>True when <paramref name="runFolder"/> keeps its test images.</summary>
    public static bool Exist(string runFolder) => File.Exists(Path.Combine(runFolder, FileName));

    /// <summary>
    /// Writes <paramref name="test"/> into <paramref name="runFolder"/> (atomically) unless the folder keeps them already
    /// or they take more than <paramref name="limitBytes"/>; returns true when the folder keeps them afterwards.
    /// </summary>
    public static bool Keep(string runFolder, ImageDataset test, string fingerprint, long limitBytes)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (Exist(runFolder)) return true;
        if (InMemoryImages.Of(test, test).TestBytes > limitBytes) return false;
        var images = new Tensor([test.Count, test.Channels, test.Height, test.Width], test.Pixels.ToArray(), null);
        var labels = new float[test.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = test.Labels[i];
        var metadata = new Dictionary<string, string>
        {
            [ClassNamesKey] = JsonSerializer.Serialize(test.ClassNames),
            [FingerprintKey] = fingerprint,
        };
        if (test.Source is { } source) metadata[SourceKey] = source;
        SafeTensors.Save(Path.Combine(runFolder, FileName),
            [KeyValuePair.Create(ImagesTensor, images), KeyValuePair.Create(LabelsTensor, new Tensor([labels.Length], labels, null))], metadata);
        return true;
    }

    /// <summary>
    /// The test images <paramref name="runFolder"/> keeps, checked against what its configuration records
    /// (<paramref name="data"/>: fingerprint, count, shape and classes).
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder does not keep them; the message says why that may be and what to do instead.</exception>
    /// <exception cref="InvalidDataException">The file is corrupt or holds other images than the run's.</exception>
    public static ImageDataset Read(string runFolder, DataSpec data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var path = Path.Combine(runFolder, FileName);
        var described = data.InMemory;
        if (!File.Exists(path)) throw new FileNotFoundException(MissingMessage(runFolder, described), path);
        var file = SafeTensors.Load(path);
        string Problem(string what) => $"{path}: {what}; the file does not hold this run's test images. Delete it, and open the run from its notebook with Lab.OpenRun(folder) to measure it there.";
        if (!file.Tensors.TryGetValue(ImagesTensor, out var images) || !file.Tensors.TryGetValue(LabelsTensor, out var labels))
            throw new InvalidDataException(Problem($"tensors '{ImagesTensor}' and '{LabelsTensor}' are both needed"));
        if (!file.Metadata.TryGetValue(FingerprintKey, out var fingerprint) || fingerprint != data.Fingerprint)
            throw new InvalidDataException(Problem($"its fingerprint '{fingerprint}' is not the run's '{data.Fingerprint}'"));
        if (images.Dims is not [var count, var channels, var height, var width] || labels.Dims is not [var labelCount] || labelCount != count)
            throw new InvalidDataException(Problem($"the images are {Tensor.ShapeText(images.Dims)} and the labels {Tensor.ShapeText(labels.Dims)}, expected (N, C, H, W) and (N)"));
        if (described is not null && (described.TestImages, described.Channels, described.Height, described.Width) != (count, channels, height, width))
            throw new InvalidDataException(Problem($"it holds {count} images of {channels}×{height}×{width}, the run records {described.TestImages} of {described.Channels}×{described.Height}×{described.Width}"));
        string[] classNames;
        try { classNames = file.Metadata.TryGetValue(ClassNamesKey, out var names) ? JsonSerializer.Deserialize<string[]>(names) ?? [] : []; }
        catch (JsonException) { classNames = []; }
        if (classNames.Length == 0) throw new InvalidDataException(Problem("its metadata holds no class names"));
        var labelValues = new int[count];
        var span = labels.Span;
        for (int i = 0; i < count; i++)
        {
            if (span[i] != MathF.Floor(span[i]) || span[i] < 0 || span[i] >= classNames.Length)
                throw new InvalidDataException(Problem(string.Create(CultureInfo.InvariantCulture, $"label {span[i]} of image {i} is not one of the {classNames.Length} classes")));
            labelValues[i] = (int)span[i];
        }
        return new ImageDataset(images.ToArray(), labelValues, channels, height, width, classNames)
        {
            Source = file.Metadata.TryGetValue(SourceKey, out var source) ? source : null,
        };
    }

    /// <summary>Why a run on in-memory images has no test images in its folder, and what to do instead.</summary>
    private static string MissingMessage(string runFolder, InMemoryImages? described)
    {
        var size = described is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $" ({described.Describe()}; kept, its test images would take {described.TestBytes / 1048576.0:F1} MiB)");
        return $"{runFolder} was trained in a notebook on images handed over in memory{size}, and its folder does not keep its test images " +
               $"({FileName} is missing: they were over the size limit Lab.KeepTestImagesUpTo, {DefaultLimitBytes / 1048576} MiB by default, when it trained, " +
               "or the file was deleted). workbench sample and report work without them. To measure or reconstruct the run, open it in its notebook " +
               "with Lab.OpenRun(folder) and use its test images there, or raise Lab.KeepTestImagesUpTo and train it again with Lab.Train(..., retrain: true).";
    }
}
