using System.IO.Compression;

namespace Workbench.Data.Files;

/// <summary>
/// The image shape (channels, height, width) of a source of your own files, read from headers alone (a .npy header, the first PNG's header, a CSV's first
/// rows): what a model built for the data needs before the data are loaded. Problems surface as the loaders' messages.
/// </summary>
public static class FileImageSize
{
    /// <summary>(channels, height, width) of the images <paramref name="dataset"/> (image-folder, npy or csv) reads from <paramref name="path"/>.</summary>
    /// <param name="labelColumn">csv: the label column (not a feature), as <see cref="CsvDataset.Load"/> takes it.</param>
    public static (int Channels, int Height, int Width) Of(string dataset, string path, string? labelColumn = null)
    {
        path = Path.GetFullPath(path);
        switch (dataset)
        {
            case "image-folder":
                string train = Path.Combine(path, "train");
                string root = Directory.Exists(train) && Directory.Exists(Path.Combine(path, "test")) ? train : path;
                var files = Directory.Exists(root)
                    ? Directory.EnumerateFiles(root, "*.png", new EnumerationOptions { RecurseSubdirectories = true, MatchCasing = MatchCasing.CaseInsensitive })
                        .Where(f => Path.GetDirectoryName(f) != root).Order(StringComparer.Ordinal).ToArray()
                    : [];
                if (files.Length == 0) return SizeFromLoad(ImageFolder.Load(path).Train);
                var (width, height, _) = PngFile.ReadHeader(files[0]);
                // A set holding one colour image is read as RGB (ImageFolder), so every header is read (26 bytes each).
                return (files.Any(f => PngFile.ReadHeader(f).Colour) ? 3 : 1, height, width);
            case "npy" when path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase):
                return SizeFromLoad(NpzImages(path));
            case "npy":
                using (var stream = NpyFile.OpenRead(path))
                {
                    var layout = ImageLayout.FromShape(NpyHeader.Read(stream, path).Shape, path);
                    return (layout.Channels, layout.Height, layout.Width);
                }
            case "csv":
                return SizeFromLoad(CsvDataset.Load(path, labelColumn).Train);
            default:
                throw new ArgumentException($"'{dataset}' is not a dataset of your own files (image-folder, npy, csv).", nameof(dataset));
        }
    }

    /// <summary>The training images of a .npz (its header is inside the zip; loading is the plain way to read it).</summary>
    private static ImageDataset NpzImages(string path) => NpyDataset.Load(path).Train;

    private static (int Channels, int Height, int Width) SizeFromLoad(ImageDataset data) => (data.Channels, data.Height, data.Width);
}
