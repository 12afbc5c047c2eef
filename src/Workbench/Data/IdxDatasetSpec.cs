namespace Workbench.Data;

/// <summary>
/// One file of an IDX dataset and the digests a download of it is checked against.
/// </summary>
/// <param name="FileName">The official (gzip) file name, e.g. <c>train-images-idx3-ubyte.gz</c>.</param>
/// <param name="GzipSha256">SHA-256 of the official .gz file, when known (hex).</param>
/// <param name="GzipMd5">MD5 of the official .gz file as published upstream, when known (hex).</param>
/// <param name="ContentSha256">SHA-256 of the decompressed IDX bytes, when known (hex): independent of how the file was gzipped.</param>
/// <remarks>A download is accepted when at least one known digest matches (see <see cref="IdxDownloader"/>).</remarks>
public sealed record IdxFileSpec(string FileName, string? GzipSha256 = null, string? GzipMd5 = null, string? ContentSha256 = null)
{
    /// <summary>The name without <c>.gz</c>, e.g. <c>train-images-idx3-ubyte</c>.</summary>
    public string BaseName => FileName.EndsWith(".gz", StringComparison.Ordinal) ? FileName[..^3] : FileName;

    /// <summary>
    /// Names under which the file is accepted on disk, preferred first: compressed or not, and with
    /// the <c>.idx</c> spelling some unpackers produce (<c>train-images.idx3-ubyte</c>).
    /// </summary>
    public IEnumerable<string> AcceptedNames()
    {
        string dotted = BaseName.Replace("-idx", ".idx", StringComparison.Ordinal);
        yield return BaseName + ".gz";
        yield return BaseName;
        if (dotted != BaseName)
        {
            yield return dotted + ".gz";
            yield return dotted;
        }
    }

    public bool HasDigest => GzipSha256 is not null || GzipMd5 is not null || ContentSha256 is not null;
}

/// <summary>
/// Where a dataset of the IDX family (MNIST, Fashion-MNIST) lives and how to recognise its files:
/// the inputs of <see cref="IdxDatasetLoader"/>.
/// </summary>
/// <param name="Name">Folder name, e.g. <c>fashion-mnist</c> (searched as <c>data/&lt;Name&gt;</c>).</param>
/// <param name="DisplayName">Human name for messages, e.g. <c>Fashion-MNIST</c>.</param>
/// <param name="EnvironmentVariable">Variable that may name the folder holding the files.</param>
/// <param name="SystemDirectory">Where a system package installs the files, e.g. <c>/usr/share/datasets/fashion-mnist</c>.</param>
/// <param name="SystemPackage">The Debian package providing <paramref name="SystemDirectory"/>, if any.</param>
/// <param name="DownloadBase">Base address of the official files (file names are appended).</param>
public sealed record IdxDatasetSpec(
    string Name,
    string DisplayName,
    string EnvironmentVariable,
    string SystemDirectory,
    string? SystemPackage,
    Uri DownloadBase,
    IReadOnlyList<string> ClassNames,
    IdxFileSpec TrainImages,
    IdxFileSpec TrainLabels,
    IdxFileSpec TestImages,
    IdxFileSpec TestLabels)
{
    /// <summary>The image and label files of <paramref name="split"/>.</summary>
    public (IdxFileSpec Images, IdxFileSpec Labels) Files(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => (TrainImages, TrainLabels),
        DatasetSplit.Test => (TestImages, TestLabels),
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown split"),
    };
}
