using System.IO.Compression;
using Workbench.Data.Storage;

namespace Workbench.Data.Files;

/// <summary>
/// Images (and optional labels) from NumPy arrays: one <c>.npy</c> of images with an optional <c>.npy</c> of labels (a tenth
/// split off as test images, <see cref="SeededSplit"/>), or one <c>.npz</c> holding <c>x_train</c>, <c>x_test</c> (and
/// <c>y_train</c>, <c>y_test</c>) or <c>images</c> (and <c>labels</c>). Images are uint8 (kept as bytes) or float32 in [0, 1]
/// (kept as floats), laid out as <see cref="ImageLayout"/> says.
/// </summary>
public static class NpyDataset
{
    /// <summary>
    /// The size above which an uncompressed .npy's images are memory-mapped rather than read, when the caller leaves the choice
    /// open: half the memory this process may use (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>).
    /// </summary>
    public static long AutomaticMapBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;

    /// <summary>Loads the images at <paramref name="path"/> (.npy or .npz) and splits them into training and test images.</summary>
    /// <param name="labelsPath">For a .npy: a .npy of integer labels, one per image; null for unlabelled images. Not used with a .npz.</param>
    /// <param name="memoryMap">For a .npy: true maps the file, false reads it into memory, null maps it when its images are larger than <see cref="AutomaticMapBytes"/> (or than one array can hold).</param>
    /// <exception cref="DataFileException">The one problem found, naming the file.</exception>
    public static (ImageDataset Train, ImageDataset Test) Load(string path, string? labelsPath = null, bool? memoryMap = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        path = Path.GetFullPath(path);
        if (path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
        {
            if (labelsPath is not null) throw new DataFileException(labelsPath, $"a separate labels file applies to a .npy; the labels of {path} are its arrays y_train/y_test or labels");
            if (memoryMap is true) throw new DataFileException(path, "a .npz cannot be memory-mapped (its arrays are zipped); save the images with np.save as an uncompressed .npy to map them");
            return LoadNpz(path);
        }
        var (storage, layout) = ReadNpy(path, memoryMap);
        int[] labels;
        string[] classNames;
        if (labelsPath is null) (labels, classNames) = (new int[layout.Count], [ClassLabels.Unlabelled]);
        else
        {
            labelsPath = Path.GetFullPath(labelsPath);
            labels = ClassLabels.Check(NpyFile.ReadIntegers(labelsPath), labelsPath);
            if (labels.Length != layout.Count)
                throw new DataFileException(labelsPath, $"holds {labels.Length} labels but {path} holds {layout.Count} images; give one label per image");
            classNames = ClassLabels.Names(labels);
        }
        var all = ImageDataset.FromStorage(storage, labels, layout.Channels, layout.Height, layout.Width, classNames);
        var (train, test) = SeededSplit.Split(all, path);
        return (train.WithSource($"NumPy array {path} (training part of a seeded split)"), test.WithSource($"NumPy array {path} (test part of a seeded split)"));
    }

    private static (ImageStorage, ImageLayout) ReadNpy(string path, bool? memoryMap)
    {
        NpyHeader header;
        long length;
        using (var stream = NpyFile.OpenRead(path))
        {
            header = NpyHeader.Read(stream, path);
            length = stream.Length;
            bool tooLargeForArray = header.Count > Array.MaxLength;
            if (memoryMap ?? (tooLargeForArray || header.DataLength > AutomaticMapBytes)) { } // mapped below, once this stream is closed
            else if (tooLargeForArray)
                throw new DataFileException(path, $"holds {header.Count} values, more than one array holds in memory; memory-map it (leave the choice automatic, or set it to true)");
            else return NpyFile.ReadImages(stream, header, path, length);
        }
        return NpyFile.MapImages(path, header);
    }

    private static (ImageDataset Train, ImageDataset Test) LoadNpz(string path)
    {
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFileException(path, "file not found", e);
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(path, $"not a .npz archive (a zip of .npy files): {e.Message}", e);
        }
        using (archive)
        {
            var arrays = archive.Entries.Where(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal))
                .ToDictionary(e => e.FullName[..^4], StringComparer.Ordinal);
            ZipArchiveEntry? Find(params string[] names) => names.Select(n => arrays.GetValueOrDefault(n)).FirstOrDefault(e => e is not null);
            if (Find("x_train") is { } xTrain && Find("x_test") is { } xTest)
            {
                var yTrain = Find("y_train");
                var yTest = Find("y_test");
                if ((yTrain is null) != (yTest is null))
                    throw new DataFileException(path, $"holds {(yTrain is null ? "y_test" : "y_train")} but not {(yTrain is null ? "y_train" : "y_test")}; give labels for both splits or for neither");
                var (trainStorage, trainLayout) = ReadEntry(path, xTrain);
                var (testStorage, testLayout) = ReadEntry(path, xTest);
                if ((trainLayout.Channels, trainLayout.Height, trainLayout.Width) != (testLayout.Channels, testLayout.Height, testLayout.Width))
                    throw new DataFileException(path, $"x_train holds images of {trainLayout.StoredText()} but x_test of {testLayout.StoredText()}; both splits need one image size");
                int[] trainLabels = new int[trainLayout.Count], testLabels = new int[testLayout.Count];
                string[] classNames = [ClassLabels.Unlabelled];
                if (yTrain is not null)
                {
                    trainLabels = EntryLabels(path, yTrain, "x_train", trainLayout.Count);
                    testLabels = EntryLabels(path, yTest!, "x_test", testLayout.Count);
                    classNames = ClassLabels.Names(trainLabels, testLabels);
                }
                var train = ImageDataset.FromStorage(trainStorage, trainLabels, trainLayout.Channels, trainLayout.Height, trainLayout.Width, classNames, $"NumPy archive {path} (x_train)");
                var test = ImageDataset.FromStorage(testStorage, testLabels, testLayout.Channels, testLayout.Height, testLayout.Width, classNames, $"NumPy archive {path} (x_test)");
                return (train, test);
            }
            if (Find("images", "x") is { } images)
            {
                var (storage, layout) = ReadEntry(path, images);
                int[] labels = new int[layout.Count];
                string[] classNames = [ClassLabels.Unlabelled];
                if (Find("labels", "y") is { } labelEntry)
                {
                    labels = EntryLabels(path, labelEntry, images.FullName[..^4], layout.Count);
                    classNames = ClassLabels.Names(labels);
                }
                var all = ImageDataset.FromStorage(storage, labels, layout.Channels, layout.Height, layout.Width, classNames);
                var (train, test) = SeededSplit.Split(all, path);
                return (train.WithSource($"NumPy archive {path} (training part of a seeded split)"), test.WithSource($"NumPy archive {path} (test part of a seeded split)"));
            }
            throw new DataFileException(path, $"holds the arrays {(arrays.Count == 0 ? "(none)" : string.Join(", ", arrays.Keys.Order(StringComparer.Ordinal)))}; " +
                                              "expected x_train and x_test (with y_train and y_test for labels), or images (with labels)");
        }
    }

    private static (ImageStorage, ImageLayout) ReadEntry(string path, ZipArchiveEntry entry)
    {
        string name = $"{path}:{entry.FullName}";
        try
        {
            using var stream = entry.Open();
            var header = NpyHeader.Read(stream, name);
            return NpyFile.ReadImages(stream, header, name, entry.Length);
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(name, $"cannot be unzipped: {e.Message}", e);
        }
        catch (EndOfStreamException e)
        {
            throw new DataFileException(name, "truncated: the archive's entry ends before its array does", e);
        }
    }

    private static int[] EntryLabels(string path, ZipArchiveEntry entry, string imagesName, int count)
    {
        string name = $"{path}:{entry.FullName}";
        long[] values;
        try
        {
            using var stream = entry.Open();
            values = NpyFile.ReadIntegers(stream, name, entry.Length);
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(name, $"cannot be unzipped: {e.Message}", e);
        }
        catch (EndOfStreamException e)
        {
            throw new DataFileException(name, "truncated: the archive's entry ends before its array does", e);
        }
        var labels = ClassLabels.Check(values, name);
        if (labels.Length != count)
            throw new DataFileException(name, $"holds {labels.Length} labels but {imagesName} holds {count} images; give one label per image");
        return labels;
    }
}
