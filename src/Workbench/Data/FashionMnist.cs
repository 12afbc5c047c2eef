namespace Workbench.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017, "Fashion-MNIST: a Novel Image Dataset for Benchmarking
/// Machine Learning Algorithms", arXiv:1708.07747): 70,000 28×28 greyscale images of clothing in 10
/// classes, 60,000 for training and 10,000 for testing, in the IDX format of MNIST. MIT licence, © Zalando SE.
/// </summary>
public static class FashionMnist
{
    /// <summary>The class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    // Digests. The MD5s are the ones the upstream README publishes for the official .gz files (the
    // README ships in Debian's dataset-fashion-mnist as /usr/share/doc/dataset-fashion-mnist/README.md.gz,
    // and torchvision checks the same values). The SHA-256s are of the DECOMPRESSED IDX bytes, computed
    // from the files of Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1. Those .gz files are
    // not byte-identical to the official downloads (their MD5s differ from the published ones: Debian
    // recompressed them), so the SHA-256 of the official .gz files could not be computed here and is
    // left out; a download is accepted when either its .gz MD5 or its decompressed SHA-256 matches.
    /// <summary>Where the files are found and how downloads are verified.</summary>
    public static IdxDatasetSpec Spec { get; } = new(
        Name: "fashion-mnist",
        DisplayName: "Fashion-MNIST",
        EnvironmentVariable: "WORKBENCH_FASHION_MNIST",
        SystemDirectory: "/usr/share/datasets/fashion-mnist",
        SystemPackage: "dataset-fashion-mnist",
        DownloadBase: new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
        ClassNames: ClassNames,
        TrainImages: new("train-images-idx3-ubyte.gz", GzipMd5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            ContentSha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        TrainLabels: new("train-labels-idx1-ubyte.gz", GzipMd5: "25c81989df183df01b3e8a0aad5dffbe",
            ContentSha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        TestImages: new("t10k-images-idx3-ubyte.gz", GzipMd5: "bef4ecab320f06d8554ea6380940ec79",
            ContentSha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        TestLabels: new("t10k-labels-idx1-ubyte.gz", GzipMd5: "bb300cfdad3c16e7a12a480ee83cd310",
            ContentSha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"));

    /// <summary>
    /// Loads <paramref name="split"/> of the full dataset from <paramref name="directory"/> when given,
    /// else from the first place <see cref="IdxDatasetLoader"/> finds it (downloading it as a last resort).
    /// </summary>
    public static ImageDataset Load(string? directory = null, DatasetSplit split = DatasetSplit.Train, IdxLoadOptions? options = null)
    {
        options ??= IdxLoadOptions.Default;
        if (directory is not null) options = options.With(directory);
        return IdxDatasetLoader.Load(Spec, split, options);
    }

    /// <summary>
    /// A stratified subset shipped inside the library (no files or network needed): 5,000 training
    /// images (500 per class) and 1,000 test images (100 per class), made by <c>workbench data make-subset</c>.
    /// </summary>
    public static ImageDataset LoadBundledSubset(DatasetSplit split = DatasetSplit.Train) =>
        BundledSubset.Load(split, ClassNames);
}

internal static class IdxLoadOptionsExtensions
{
    /// <summary>A copy of the options with an explicit directory.</summary>
    public static IdxLoadOptions With(this IdxLoadOptions o, string directory) => new()
    {
        Directory = directory,
        AllowDownload = o.AllowDownload,
        DownloadDirectory = o.DownloadDirectory,
        HttpHandler = o.HttpHandler,
        ShowProgress = o.ShowProgress,
        GetEnvironmentVariable = o.GetEnvironmentVariable,
        WorkingDirectory = o.WorkingDirectory,
        SystemDirectories = o.SystemDirectories,
    };
}
