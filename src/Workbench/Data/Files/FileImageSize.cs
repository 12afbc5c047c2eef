using System.IO.Compression;

namespace Workbench.Data.Files;

/// <summary>
/// The image size of a source of your own files, read from headers alone (a .npy header, the first PNG's header, a CSV's first
/// rows): what a model built for the data needs before the data are loaded. Problems surface as the loaders' messages.
/// </summary>
public static class FileImageSize
{
    /// <summary>(height, width) of the images <paramref name="dataset"/> (image-folder, npy or csv) reads from <paramref name="path"/>.</summary>
    /// <param name="labelColumn">csv: the label column (not a feature), as <see cref="CsvDataset.Load"/> takes it.</param>
    public static (int Height, int Width) Of(string dataset, string path, string? labelColumn = null)
    {
        path = Path.GetFullPath(path);
        switch (dataset)
        {
            case "image-folder":
                string train = Path.Combine(path, "train");
                string root = Directory.Exists(train) && Directory.Exists(Path.Combine(path, "test")) ? train : path;
                var first = Directory.Exists(root)
                    ? Directory.EnumerateFiles(root, "*.png", new EnumerationOptions { RecurseSubdirectories = true, MatchCasing = MatchCasing.CaseInsensitive })
                        .Where(f => Path.GetDirectoryName(f) != root).Order(StringComparer.Ordinal).FirstOrDefault()
                    : null;
                if (first is null) return SizeFromLoad(ImageFolder.Load(path).Train);
                var (width, height, _) = PngFile.ReadHeader(first);
                return (height, width);
            case "npy" when path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase):
                return SizeFromLoad(NpzImages(path));
            case "npy":
                using (var stream = NpyFile.OpenRead(path))
                {
                    var layout = ImageLayout.FromShape(NpyHeader.Read(stream, path).Shape, path);
                    return (layout.Height, layout.Width);
                }
            case "csv":
                return SizeFromLoad(CsvDataset.Load(path, labelColumn).Train);
            default:
                throw new ArgumentException($"'{dataset}' is not a dataset of your own files (image-folder, npy, csv).", nameof(dataset));
        }
    }

    /// <summary>The training images of a .npz (its header is inside the zip; loading is the plain way to read it).</summary>
    private static ImageDataset NpzImages(string path) => NpyDataset.Load(path).Train;

    private static (int Height, int Width) SizeFromLoad(ImageDataset data) => (data.Height, data.Width);
}
