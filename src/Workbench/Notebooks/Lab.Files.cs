using Workbench.Data;
using Workbench.Data.Files;

namespace Workbench.Notebooks;

public static partial class Lab
{
    /// <summary>
    /// Your own images from a folder of PNGs, labelled by subfolder name as torchvision's <c>ImageFolder</c>
    /// (<c>folder/cat/1.png</c> → class "cat"): the folder's <c>train/</c> and <c>test/</c> when it has both, else a seeded
    /// tenth split off as test images. Kept as bytes (a quarter of the memory of floats). See docs/data.md.
    /// </summary>
    /// <exception cref="DataFileException">A broken, missing or mismatched file, named in the message.</exception>
    public static (ImageDataset Train, ImageDataset Test) LoadImageFolder(string folder) => ImageFolder.Load(folder);

    /// <summary>
    /// Your own images from NumPy: a <c>.npy</c> of uint8 or float32 images, (N, H, W), (N, H, W, C) or (N, C, H, W), with an
    /// optional <c>.npy</c> of integer <paramref name="labels"/> (a seeded tenth split off as test images); or a <c>.npz</c> holding
    /// x_train, x_test (y_train, y_test) or images (labels). uint8 stays bytes in memory; a .npy larger than half the memory
    /// available is memory-mapped (or as <paramref name="memoryMap"/> says). See docs/data.md.
    /// </summary>
    /// <exception cref="DataFileException">A broken, missing or mismatched file, named in the message.</exception>
    public static (ImageDataset Train, ImageDataset Test) LoadNpy(string path, string? labels = null, bool? memoryMap = null) =>
        NpyDataset.Load(path, labels, memoryMap);

    /// <summary>
    /// Your own tabular data from a CSV file of numbers (one row an example, an optional header row), each row a 1×D "image" the
    /// MLP networks read as D inputs; <paramref name="labelColumn"/> (a header name or a column number from 1) names the classes.
    /// A seeded tenth is split off as test examples. See docs/data.md.
    /// </summary>
    /// <exception cref="DataFileException">A missing file, a ragged row or a cell that is not a number (file, line and column named).</exception>
    public static (ImageDataset Train, ImageDataset Test) LoadCsv(string path, string? labelColumn = null) => CsvDataset.Load(path, labelColumn);
}
