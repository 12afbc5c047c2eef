namespace Workbench.Data;

/// <summary>
/// MNIST (LeCun, Bottou, Bengio &amp; Haffner 1998, "Gradient-based learning applied to document
/// recognition"): 70,000 28×28 greyscale handwritten digits, 60,000 for training and 10,000 for testing.
/// </summary>
public static class Mnist
{
    /// <summary>The class names ("0" … "9"), indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    // Digests of the official .gz files (the same bytes on the original site and on the mirror used
    // here). MD5: the values torchvision's MNIST dataset checks. SHA-256: the values widely used for
    // these files (e.g. by TensorFlow Datasets), cross-checked against several independent listings.
    // They were not recomputed here, as no copy of MNIST is available offline; a download is accepted
    // when either digest matches.
    /// <summary>Where the files are found and how downloads are verified.</summary>
    public static IdxDatasetSpec Spec { get; } = new(
        Name: "mnist",
        DisplayName: "MNIST",
        EnvironmentVariable: "WORKBENCH_MNIST",
        SystemDirectory: "/usr/share/datasets/mnist",
        SystemPackage: null,
        DownloadBase: new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        ClassNames: ClassNames,
        TrainImages: new("train-images-idx3-ubyte.gz",
            GzipSha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", GzipMd5: "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        TrainLabels: new("train-labels-idx1-ubyte.gz",
            GzipSha256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", GzipMd5: "d53e105ee54ea40749a09fcbcd1e9432"),
        TestImages: new("t10k-images-idx3-ubyte.gz",
            GzipSha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", GzipMd5: "9fb629c4189551a2d022fa330f9573f3"),
        TestLabels: new("t10k-labels-idx1-ubyte.gz",
            GzipSha256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", GzipMd5: "ec29112dd5afa0611ce80d1b7f02629c"));

    /// <summary>
    /// Loads <paramref name="split"/> from <paramref name="directory"/> when given, else from the first
    /// place <see cref="IdxDatasetLoader"/> finds it (downloading it as a last resort).
    /// </summary>
    public static ImageDataset Load(string? directory = null, DatasetSplit split = DatasetSplit.Train, IdxLoadOptions? options = null)
    {
        options ??= IdxLoadOptions.Default;
        if (directory is not null) options = options.With(directory);
        return IdxDatasetLoader.Load(Spec, split, options);
    }
}
