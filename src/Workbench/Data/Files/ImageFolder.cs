using Workbench.IO;

namespace Workbench.Data.Files;

/// <summary>
/// Images from a folder of PNG files, labelled by the names of their subfolders, as torchvision's <c>ImageFolder</c>:
/// <c>root/cat/1.png</c>, <c>root/dog/2.png</c> → classes "cat", "dog" (subfolder names in ordinal order), images in ordinal order
/// of their paths within each class, subfolders of a class searched too. When the folder holds both <c>train/</c> and <c>test/</c>,
/// each is such a folder (the test classes must be among the training ones); otherwise a tenth is split off as test images
/// (<see cref="SeededSplit"/>). Only <c>*.png</c> files are read (other files and hidden entries are skipped). Every image must
/// have one size; the set is colour (3 channels) when any image is, else greyscale. Images are kept as bytes.
/// </summary>
public static class ImageFolder
{
    /// <summary>Loads the PNG images under <paramref name="folder"/> as training and test images.</summary>
    /// <param name="containedIn">A folder nothing may be read outside of, symbolic links followed (an experiment file's folder); null for no limit.</param>
    /// <exception cref="DataFileException">The one problem found, naming the file or folder.</exception>
    public static (ImageDataset Train, ImageDataset Test) Load(string folder, string? containedIn = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder)) throw new DataFileException(folder, "no such folder (a folder of class subfolders of PNG images)");
        string train = Path.Combine(folder, "train"), test = Path.Combine(folder, "test");
        if (Directory.Exists(train) && Directory.Exists(test))
        {
            var trainFiles = Scan(train, containedIn);
            var testFiles = Scan(test, containedIn);
            foreach (var className in testFiles.Keys)
                if (!trainFiles.ContainsKey(className))
                    throw new DataFileException(Path.Combine(test, className), $"class '{className}' has no folder in {train}; the test classes must be among the training classes ({string.Join(", ", trainFiles.Keys)})");
            var classNames = trainFiles.Keys.ToArray();
            var shape = Shape(trainFiles.Values.Concat(testFiles.Values).SelectMany(f => f));
            return (Decode(trainFiles, classNames, shape) .WithSource($"PNG folder {train}"), Decode(testFiles, classNames, shape).WithSource($"PNG folder {test}"));
        }
        var files = Scan(folder, containedIn);
        var all = Decode(files, files.Keys.ToArray(), Shape(files.Values.SelectMany(f => f)));
        var (trainPart, testPart) = SeededSplit.Split(all, folder);
        return (trainPart.WithSource($"PNG folder {folder} (training part of a seeded split)"), testPart.WithSource($"PNG folder {folder} (test part of a seeded split)"));
    }

    /// <summary>The PNG files of each class folder under <paramref name="folder"/>, classes and files in ordinal order.</summary>
    private static SortedDictionary<string, List<string>> Scan(string folder, string? containedIn)
    {
        var classes = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var classFolder in Directory.EnumerateDirectories(folder).Where(d => !Path.GetFileName(d).StartsWith('.')))
        {
            RequireInside(classFolder, containedIn);
            var files = new List<string>();
            Collect(classFolder, containedIn, files);
            if (files.Count == 0) throw new DataFileException(classFolder, "class folder holds no .png images; remove it or add its images");
            files.Sort(StringComparer.Ordinal);
            classes[Path.GetFileName(classFolder)] = files;
        }
        if (classes.Count == 0)
        {
            bool loose = Directory.EnumerateFiles(folder, "*.png", new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive }).Any();
            throw new DataFileException(folder, loose
                ? "holds PNG images but no class subfolders: labels come from subfolder names, so put the images in at least one subfolder (e.g. all/)"
                : "holds no class subfolders of PNG images");
        }
        return classes;
    }

    private static void Collect(string folder, string? containedIn, List<string> files)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
        {
            string name = Path.GetFileName(entry);
            if (name.StartsWith('.')) continue;
            if (Directory.Exists(entry))
            {
                RequireInside(entry, containedIn);
                Collect(entry, containedIn, files);
            }
            else if (name.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            {
                RequireInside(entry, containedIn);
                files.Add(entry);
            }
        }
    }

    /// <summary>A symbolic link leading outside <paramref name="containedIn"/> is refused (the folder itself was checked by the caller).</summary>
    private static void RequireInside(string path, string? containedIn)
    {
        if (containedIn is not null && new FileInfo(path).LinkTarget is not null && !ContainedPath.IsInside(containedIn, path))
            throw new DataFileException(path, $"is a symbolic link leading outside {containedIn}; nothing is read outside the experiment file's folder");
    }

    /// <summary>The common (channels, height, width) of <paramref name="files"/>: 3 channels when any is colour.</summary>
    private static (int Channels, int Height, int Width) Shape(IEnumerable<string> files)
    {
        string? first = null;
        int height = 0, width = 0;
        bool colour = false;
        foreach (var file in files)
        {
            var (w, h, c) = PngFile.ReadHeader(file);
            if (first is null) (first, width, height) = (file, w, h);
            else if (w != width || h != height)
                throw new DataFileException(file, $"is {h}×{w} pixels (height × width) but {first} is {height}×{width}; every image needs one size (resize them first)");
            colour |= c;
        }
        return (colour ? 3 : 1, height, width);
    }

    private static ImageDataset Decode(SortedDictionary<string, List<string>> files, string[] classNames, (int Channels, int Height, int Width) shape)
    {
        int p = shape.Channels * shape.Height * shape.Width;
        int count = files.Values.Sum(f => f.Count);
        if ((long)count * p > Array.MaxLength)
            throw new DataFileException(files.Values.First()[0], $"the folder's {count} images of {shape.Height}×{shape.Width} hold more values than one array holds in memory; save them as one .npy to memory-map it");
        var values = new byte[(long)count * p];
        var labels = new int[count];
        int i = 0;
        foreach (var (className, classFiles) in files)
        {
            int label = Array.IndexOf(classNames, className);
            foreach (var file in classFiles)
            {
                PngFile.Decode(file, shape.Channels, shape.Height, shape.Width, values.AsSpan(i * p, p));
                labels[i++] = label;
            }
        }
        return ImageDataset.FromBytes(values, labels, shape.Channels, shape.Height, shape.Width, classNames);
    }
}
