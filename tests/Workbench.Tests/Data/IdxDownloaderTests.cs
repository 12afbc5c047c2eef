using System.Security.Cryptography;
using Workbench.Data;

namespace Workbench.Tests.Data;

/// <summary>Downloads against a fake HTTP handler: verification, atomic placement, clean failure.</summary>
public class IdxDownloaderTests
{
    private static readonly byte[] Images = IdxBytes.Gzip(IdxBytes.Images(4, 4, 3));
    private static readonly byte[] Labels = IdxBytes.Gzip(IdxBytes.Labels(4, 10));

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
    private static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    /// <summary>Fashion-MNIST's layout with digests of the fake files, served from example.invalid.</summary>
    private static IdxDatasetSpec FakeSpec(IdxFileSpec images, IdxFileSpec labels) => FashionMnist.Spec with
    {
        DownloadBase = new Uri("http://example.invalid/fashion/"),
        TrainImages = images,
        TrainLabels = labels,
    };

    private static IdxLoadOptions Options(TempDirectory root, HttpMessageHandler handler) => new()
    {
        WorkingDirectory = root.Path,
        DownloadDirectory = root.Combine("data", "fashion-mnist"),
        GetEnvironmentVariable = _ => null,
        SystemDirectories = [],
        HttpHandler = handler,
        ShowProgress = false,
    };

    private static FakeHttpHandler Serving(byte[] images, byte[] labels) => new(new Dictionary<string, byte[]>
    {
        ["train-images-idx3-ubyte.gz"] = images,
        ["train-labels-idx1-ubyte.gz"] = labels,
    });

    [Fact]
    public void Download_GoodBytes_VerifyAndLandWithNoTemporaryFilesLeft()
    {
        using var root = new TempDirectory();
        string target = root.Combine("out", "train-images-idx3-ubyte.gz");
        new IdxDownloader(Serving(Images, Labels), showProgress: false)
            .Download(new Uri("http://example.invalid/train-images-idx3-ubyte.gz"), target, new IdxFileSpec("train-images-idx3-ubyte.gz", GzipSha256: Sha256(Images)));
        Assert.Equal(Images, File.ReadAllBytes(target));
        Assert.Equal(["train-images-idx3-ubyte.gz"], Directory.GetFiles(root.Combine("out")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("md5")]
    [InlineData("content")]
    public void Download_OtherKnownDigests_AlsoVerify(string kind)
    {
        using var root = new TempDirectory();
        string target = root.Combine("f.gz");
        var spec = kind == "md5"
            ? new IdxFileSpec("f.gz", GzipMd5: Md5(Images))
            : new IdxFileSpec("f.gz", GzipSha256: new string('0', 64), ContentSha256: Sha256(IdxBytes.Images(4, 4, 3)));
        new IdxDownloader(Serving(Images, Labels), showProgress: false)
            .Download(new Uri("http://example.invalid/train-images-idx3-ubyte.gz"), target, spec);
        Assert.True(File.Exists(target));
    }

    [Fact]
    public void Download_CorruptedBytes_FailWithChecksumMismatchAndLeaveNoFile()
    {
        using var root = new TempDirectory();
        var corrupted = (byte[])Images.Clone();
        corrupted[^20] ^= 0xFF;
        string target = root.Combine("out", "train-images-idx3-ubyte.gz");
        var e = Assert.Throws<DataFileException>(() => new IdxDownloader(Serving(corrupted, Labels), showProgress: false)
            .Download(new Uri("http://example.invalid/train-images-idx3-ubyte.gz"), target, new IdxFileSpec("train-images-idx3-ubyte.gz", GzipSha256: Sha256(Images))));
        Assert.Equal(target, e.FilePath);
        Assert.Contains($"checksum mismatch", e.Message);
        Assert.Contains($"SHA-256 {Sha256(Images)} (got {Sha256(corrupted)})", e.Message);
        Assert.Empty(Directory.GetFiles(root.Combine("out")));
    }

    [Fact]
    public void Download_Http404_NamesStatusAndLeavesNoFile()
    {
        using var root = new TempDirectory();
        string target = root.Combine("missing.gz");
        var e = Assert.Throws<DataFileException>(() => new IdxDownloader(Serving(Images, Labels), showProgress: false)
            .Download(new Uri("http://example.invalid/missing.gz"), target, new IdxFileSpec("missing.gz", GzipMd5: Md5(Images))));
        Assert.Contains("HTTP 404", e.Message);
        Assert.Empty(Directory.GetFiles(root.Path));
    }

    [Fact]
    public void Load_NothingLocal_DownloadsVerifiedFilesIntoDataFolderAndLoadsThem()
    {
        using var root = new TempDirectory();
        var handler = Serving(Images, Labels);
        var spec = FakeSpec(new("train-images-idx3-ubyte.gz", GzipSha256: Sha256(Images)), new("train-labels-idx1-ubyte.gz", GzipMd5: Md5(Labels)));
        var set = IdxDatasetLoader.Load(spec, DatasetSplit.Train, Options(root, handler));
        Assert.Equal((4, 4, 3), (set.Count, set.Height, set.Width));
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal("http://example.invalid/fashion/train-images-idx3-ubyte.gz", handler.Requests[0].ToString());

        // A second load finds the downloaded files and does not ask the network again.
        IdxDatasetLoader.Load(spec, DatasetSplit.Train, Options(root, handler));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public void Load_BadHash_ThrowsUnavailableWithInstructionsAndLeavesNoFile()
    {
        using var root = new TempDirectory();
        var spec = FakeSpec(new("train-images-idx3-ubyte.gz", GzipSha256: new string('a', 64)), new("train-labels-idx1-ubyte.gz", GzipMd5: Md5(Labels)));
        var e = Assert.Throws<DatasetUnavailableException>(() => IdxDatasetLoader.Load(spec, DatasetSplit.Train, Options(root, Serving(Images, Labels))));
        Assert.Contains("checksum mismatch", e.Message);
        Assert.Contains("WORKBENCH_FASHION_MNIST", e.Message);
        Assert.IsType<DataFileException>(e.InnerException);
        Assert.Empty(Directory.GetFiles(root.Combine("data", "fashion-mnist")));
    }

    [Fact]
    public void Load_Offline_ThrowsOneClearExceptionExplainingHowToProvideFiles()
    {
        using var root = new TempDirectory();
        var e = Assert.Throws<DatasetUnavailableException>(() => IdxDatasetLoader.Load(FashionMnist.Spec, DatasetSplit.Test, Options(root, new OfflineHttpHandler())));
        Assert.Contains("Fashion-MNIST was not found and could not be downloaded", e.Message);
        Assert.Contains("Name or service not known", e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("set WORKBENCH_FASHION_MNIST", e.Message);
    }
}
