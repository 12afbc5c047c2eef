using Workbench.Data;

namespace Workbench.Tests.Data;

/// <summary>The search order of <see cref="IdxDatasetLoader"/>, on tiny files in temp folders (no real environment or network).</summary>
public class IdxDatasetLoaderTests
{
    private static readonly IdxDatasetSpec Spec = FashionMnist.Spec;

    /// <summary>Options that see only the given environment and system folders, and never download.</summary>
    private static IdxLoadOptions Isolated(TempDirectory root, string? environmentValue = null, string? directory = null, string? system = null) => new()
    {
        Directory = directory,
        WorkingDirectory = root.Combine("repo", "notebooks"),
        GetEnvironmentVariable = name => name == Spec.EnvironmentVariable ? environmentValue : null,
        SystemDirectories = [system ?? root.Combine("usr-share")],
        AllowDownload = false,
    };

    /// <summary>A fake repository (root marked by .git) with a notebooks/ subfolder as the working directory.</summary>
    private static void MakeRepo(TempDirectory root)
    {
        Directory.CreateDirectory(root.Combine("repo", ".git"));
        Directory.CreateDirectory(root.Combine("repo", "notebooks"));
    }

    [Fact]
    public void Locate_ExplicitDirectoryBeatsEverything()
    {
        using var root = new TempDirectory();
        MakeRepo(root);
        foreach (var place in new[] { "explicit", "env", "repo/data/fashion-mnist", "usr-share" })
            IdxBytes.WriteSplit(root.Combine(place), Spec, DatasetSplit.Train, 3, gzip: true);
        var found = IdxDatasetLoader.Locate(Spec, DatasetSplit.Train, Isolated(root, root.Combine("env"), directory: root.Combine("explicit")));
        Assert.Equal(root.Combine("explicit", "train-images-idx3-ubyte.gz"), found!.ImagesPath);
    }

    [Fact]
    public void Locate_EnvironmentVariableBeatsLocalAndSystemFolders()
    {
        using var root = new TempDirectory();
        MakeRepo(root);
        foreach (var place in new[] { "env", "repo/data/fashion-mnist", "usr-share" })
            IdxBytes.WriteSplit(root.Combine(place), Spec, DatasetSplit.Train, 3, gzip: true);
        var found = IdxDatasetLoader.Locate(Spec, DatasetSplit.Train, Isolated(root, root.Combine("env")));
        Assert.Equal(root.Combine("env", "train-labels-idx1-ubyte.gz"), found!.LabelsPath);
        Assert.Equal("$WORKBENCH_FASHION_MNIST", found.Origin);
    }

    [Fact]
    public void Locate_WalksUpToRepoRootDataFolder_BeforeSystemFolder()
    {
        using var root = new TempDirectory();
        MakeRepo(root);
        IdxBytes.WriteSplit(root.Combine("repo", "data", "fashion-mnist"), Spec, DatasetSplit.Test, 3, gzip: false);
        IdxBytes.WriteSplit(root.Combine("usr-share"), Spec, DatasetSplit.Test, 3, gzip: true);
        var found = IdxDatasetLoader.Locate(Spec, DatasetSplit.Test, Isolated(root));
        Assert.Equal(root.Combine("repo", "data", "fashion-mnist", "t10k-images-idx3-ubyte"), found!.ImagesPath);
    }

    [Fact]
    public void Locate_DoesNotWalkAboveTheRepoRoot()
    {
        using var root = new TempDirectory();
        MakeRepo(root);
        IdxBytes.WriteSplit(root.Combine("data", "fashion-mnist"), Spec, DatasetSplit.Train, 3, gzip: true); // above repo/
        Assert.Null(IdxDatasetLoader.Locate(Spec, DatasetSplit.Train, Isolated(root)));
    }

    [Fact]
    public void Locate_FallsBackToSystemFolder_AndLoadReadsIt()
    {
        using var root = new TempDirectory();
        MakeRepo(root);
        IdxBytes.WriteSplit(root.Combine("usr-share"), Spec, DatasetSplit.Train, 6, gzip: true);
        var options = Isolated(root);
        Assert.Equal(root.Combine("usr-share"), IdxDatasetLoader.Locate(Spec, DatasetSplit.Train, options)!.Origin);
        var set = IdxDatasetLoader.Load(Spec, DatasetSplit.Train, options);
        Assert.Equal((6, 4, 3), (set.Count, set.Height, set.Width));
    }

    [Fact]
    public void Locate_IncompleteLocalFolder_IsSkipped()
    {
        using var root = new TempDirectory();
        MakeRepo(root);
        string local = root.Combine("repo", "data", "fashion-mnist");
        IdxBytes.WriteSplit(local, Spec, DatasetSplit.Train, 3, gzip: true);
        File.Delete(Path.Combine(local, "train-labels-idx1-ubyte.gz"));
        IdxBytes.WriteSplit(root.Combine("usr-share"), Spec, DatasetSplit.Train, 3, gzip: true);
        Assert.Equal(root.Combine("usr-share"), IdxDatasetLoader.Locate(Spec, DatasetSplit.Train, Isolated(root))!.Origin);
    }

    [Fact]
    public void Locate_AcceptsDottedUncompressedNames()
    {
        using var root = new TempDirectory();
        MakeRepo(root);
        string dir = root.Combine("usr-share");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "train-images.idx3-ubyte"), IdxBytes.Images(2, 4, 3));
        File.WriteAllBytes(Path.Combine(dir, "train-labels.idx1-ubyte"), IdxBytes.Labels(2, 10));
        Assert.Equal(2, IdxDatasetLoader.Load(Spec, DatasetSplit.Train, Isolated(root)).Count);
    }

    [Fact]
    public void Locate_EnvironmentVariableToEmptyFolder_IsAnErrorNamingTheVariable()
    {
        using var root = new TempDirectory();
        MakeRepo(root);
        Directory.CreateDirectory(root.Combine("env"));
        IdxBytes.WriteSplit(root.Combine("usr-share"), Spec, DatasetSplit.Train, 3, gzip: true);
        var e = Assert.Throws<DataFileException>(() => IdxDatasetLoader.Locate(Spec, DatasetSplit.Train, Isolated(root, root.Combine("env"))));
        Assert.Equal(root.Combine("env"), e.FilePath);
        Assert.Contains("$WORKBENCH_FASHION_MNIST does not hold train-images-idx3-ubyte[.gz] or train-labels-idx1-ubyte[.gz]", e.Message);
    }

    [Fact]
    public void Load_ExplicitMissingDirectory_SaysItDoesNotExist()
    {
        using var root = new TempDirectory();
        string missing = root.Combine("nowhere");
        var e = Assert.Throws<DataFileException>(() => FashionMnist.Load(missing, DatasetSplit.Test, Isolated(root)));
        Assert.Equal($"{missing}: the Fashion-MNIST folder given explicitly does not exist", e.Message);
    }

    [Fact]
    public void Load_NothingFoundAndDownloadOff_ExplainsHowToProvideTheFiles()
    {
        using var root = new TempDirectory();
        MakeRepo(root);
        var e = Assert.Throws<DatasetUnavailableException>(() => IdxDatasetLoader.Load(Spec, DatasetSplit.Train, Isolated(root)));
        Assert.Contains("downloading is turned off", e.Message);
        Assert.Contains("WORKBENCH_FASHION_MNIST", e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains(root.Combine("repo", "data", "fashion-mnist"), e.Message);
        // Advice for each way in: the command line's flag, the experiment file's field, the notebook API.
        Assert.Contains("--data-dir <folder>", e.Message);
        Assert.Contains("\"data\": { \"directory\"", e.Message);
        Assert.Contains("directory: parameter of Load", e.Message);
    }

    [Fact]
    public void Load_DefaultOptions_ReadTheRealEnvironmentVariable()
    {
        // MNIST's variable, which nothing else in the suite relies on, set only for this call.
        using var root = new TempDirectory();
        IdxBytes.WriteSplit(root.Path, Mnist.Spec, DatasetSplit.Test, 4, gzip: false);
        string? before = Environment.GetEnvironmentVariable("WORKBENCH_MNIST");
        try
        {
            Environment.SetEnvironmentVariable("WORKBENCH_MNIST", root.Path);
            var set = Mnist.Load(split: DatasetSplit.Test);
            Assert.Equal(4, set.Count);
            Assert.Equal(Mnist.ClassNames, set.ClassNames);
        }
        finally
        {
            Environment.SetEnvironmentVariable("WORKBENCH_MNIST", before);
        }
    }
}
