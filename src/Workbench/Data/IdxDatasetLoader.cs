namespace Workbench.Data;

/// <summary>The image and label files found for one split, and where they were found.</summary>
public sealed record IdxFileLocation(string ImagesPath, string LabelsPath, string Origin);

/// <summary>
/// Finds and loads a dataset of the IDX family (see <see cref="IdxDatasetSpec"/>), looking in order:
/// <list type="number">
/// <item>the folder given explicitly (<see cref="IdxLoadOptions.Directory"/> or the directory argument);</item>
/// <item>the folder named by the dataset's environment variable (e.g. <c>WORKBENCH_FASHION_MNIST</c>);</item>
/// <item><c>data/&lt;name&gt;</c> in the working directory and each parent up to the repository root;</item>
/// <item>the system folder of the dataset's Debian package (e.g. <c>/usr/share/datasets/fashion-mnist</c>);</item>
/// <item>a download of the official files into <c>data/&lt;name&gt;</c>, verified against known digests.</item>
/// </list>
/// Each file is accepted gzip-compressed or not. An explicit folder or environment variable that does not
/// hold the files is an error rather than a reason to look elsewhere: it states what the user wants.
/// </summary>
public static class IdxDatasetLoader
{
    /// <summary>Loads <paramref name="split"/> of <paramref name="spec"/> (pixels scaled to [0, 1]).</summary>
    public static ImageDataset Load(IdxDatasetSpec spec, DatasetSplit split, IdxLoadOptions? options = null)
    {
        var location = Locate(spec, split, options) ?? Download(spec, split, options ?? IdxLoadOptions.Default);
        return IdxReader.ReadDataset(location.ImagesPath, location.LabelsPath, spec.ClassNames);
    }

    /// <summary>The files of <paramref name="split"/> found by the search (without downloading), or null when none are found.</summary>
    public static IdxFileLocation? Locate(IdxDatasetSpec spec, DatasetSplit split, IdxLoadOptions? options = null)
    {
        options ??= IdxLoadOptions.Default;
        var (images, labels) = spec.Files(split);

        if (options.Directory is { } explicitDirectory)
            return FindIn(explicitDirectory, images, labels)
                   ?? throw Missing(explicitDirectory, images, labels, $"the {spec.DisplayName} folder given explicitly");

        if (options.GetEnvironmentVariable(spec.EnvironmentVariable) is { Length: > 0 } fromEnvironment)
            return FindIn(fromEnvironment, images, labels, $"${spec.EnvironmentVariable}")
                   ?? throw Missing(fromEnvironment, images, labels, $"the folder named by ${spec.EnvironmentVariable}");

        foreach (var candidate in LocalCandidates(spec, options))
            if (FindIn(candidate, images, labels) is { } local) return local;

        foreach (var system in options.SystemDirectories ?? [spec.SystemDirectory])
            if (FindIn(system, images, labels) is { } found) return found;

        return null;
    }

    /// <summary>The <c>data/&lt;name&gt;</c> folders searched, nearest first.</summary>
    public static IEnumerable<string> LocalCandidates(IdxDatasetSpec spec, IdxLoadOptions options) =>
        DataFiles.SelfAndAncestorsToRepoRoot(options.WorkingDirectory ?? Environment.CurrentDirectory)
            .Select(dir => Path.Combine(dir, "data", spec.Name));

    /// <summary>Where downloads go when <see cref="IdxLoadOptions.DownloadDirectory"/> is not set.</summary>
    public static string DefaultDownloadDirectory(IdxDatasetSpec spec, IdxLoadOptions options)
    {
        string start = options.WorkingDirectory ?? Environment.CurrentDirectory;
        return Path.Combine(DataFiles.FindRepoRoot(start) ?? Path.GetFullPath(start), "data", spec.Name);
    }

    private static IdxFileLocation? FindIn(string directory, IdxFileSpec images, IdxFileSpec labels, string? origin = null)
    {
        if (!Directory.Exists(directory)) return null;
        string? imagesPath = FindFile(directory, images), labelsPath = FindFile(directory, labels);
        return imagesPath is null || labelsPath is null ? null : new IdxFileLocation(imagesPath, labelsPath, origin ?? directory);
    }

    private static string? FindFile(string directory, IdxFileSpec file) =>
        file.AcceptedNames().Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);

    private static DataFileException Missing(string directory, IdxFileSpec images, IdxFileSpec labels, string what)
    {
        var absent = new[] { images, labels }.Where(f => !Directory.Exists(directory) || FindFile(directory, f) is null)
            .Select(f => $"{f.BaseName}[.gz]");
        string problem = Directory.Exists(directory)
            ? $"{what} does not hold {string.Join(" or ", absent)}"
            : $"{what} does not exist";
        return new DataFileException(directory, problem);
    }

    private static IdxFileLocation Download(IdxDatasetSpec spec, DatasetSplit split, IdxLoadOptions options)
    {
        string target = options.DownloadDirectory ?? DefaultDownloadDirectory(spec, options);
        if (!options.AllowDownload) throw Unavailable(spec, options, target, reason: "downloading is turned off", inner: null);

        var downloader = new IdxDownloader(options.HttpHandler, options.ShowProgress);
        var (images, labels) = spec.Files(split);
        try
        {
            foreach (var file in new[] { images, labels })
            {
                if (FindFile(target, file) is not null) continue; // kept from an earlier, partly finished download
                downloader.Download(new Uri(spec.DownloadBase, file.FileName), Path.Combine(target, file.FileName), file);
            }
        }
        catch (DataFileException e)
        {
            throw Unavailable(spec, options, target, e.Message, e);
        }
        return FindIn(target, images, labels, $"downloaded to {target}")
               ?? throw Unavailable(spec, options, target, "the downloaded files are missing", inner: null);
    }

    private static DatasetUnavailableException Unavailable(IdxDatasetSpec spec, IdxLoadOptions options, string target, string reason, Exception? inner)
    {
        var searched = LocalCandidates(spec, options).Concat(options.SystemDirectories ?? [spec.SystemDirectory]);
        string package = spec.SystemPackage is null ? "" : $"\n  - on Debian or Ubuntu: sudo apt-get install {spec.SystemPackage}";
        string message =
            $"{spec.DisplayName} was not found and could not be downloaded ({reason}).\n" +
            $"Searched: ${spec.EnvironmentVariable} (unset), {string.Join(", ", searched)}.\n" +
            $"Provide the files {string.Join(", ", new[] { spec.TrainImages, spec.TrainLabels, spec.TestImages, spec.TestLabels }.Select(f => f.FileName))} " +
            "(gzip-compressed or not) in one of these ways:\n" +
            $"  - put them in {target}\n" +
            $"  - or set {spec.EnvironmentVariable} to the folder holding them\n" +
            "  - or pass the folder explicitly: `--data-dir <folder>` on the workbench command line, " +
            "\"data\": { \"directory\": \"<folder>\" } in an experiment file, or the directory: parameter of Load in a notebook" + package + "\n" +
            $"They are published at {spec.DownloadBase}.";
        return new DatasetUnavailableException(message, inner);
    }
}
