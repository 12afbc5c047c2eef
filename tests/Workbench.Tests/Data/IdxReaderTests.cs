using Workbench.Data;

namespace Workbench.Tests.Data;

public class IdxReaderTests
{
    private static DataFileException ReadFails(TempDirectory dir, string name, byte[] bytes, int? rank = null)
    {
        string path = dir.Combine(name);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataFileException>(() => IdxReader.Read(path, rank));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message);
        return e;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteFileThenRead_RawAndGzip_RoundTripsDimensionsAndBytes(bool gzip)
    {
        using var dir = new TempDirectory();
        var data = new byte[2 * 3 * 4];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 11);
        string path = dir.Combine(gzip ? "x-idx3-ubyte.gz" : "x-idx3-ubyte");
        IdxWriter.WriteFile(path, [2, 3, 4], data, gzip);

        byte[] onDisk = File.ReadAllBytes(path);
        Assert.Equal(gzip, onDisk[0] == 0x1f && onDisk[1] == 0x8b);
        var array = IdxReader.ReadImages(path);
        Assert.Equal([2, 3, 4], array.Dimensions);
        Assert.Equal(data, array.Data);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Read_RawDataNamedGz_DetectsFormatFromContent()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("labels-idx1-ubyte.gz");
        File.WriteAllBytes(path, IdxBytes.Labels(7, 3));
        Assert.Equal([0, 1, 2, 0, 1, 2, 0], IdxReader.ReadLabels(path, 3).Data.Select(b => (int)b));
    }

    [Fact]
    public void Read_GzipWithoutGzExtension_Decompresses()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("labels-idx1-ubyte");
        File.WriteAllBytes(path, IdxBytes.Gzip(IdxBytes.Labels(5, 10)));
        Assert.Equal(5, IdxReader.ReadLabels(path, 10).Dimensions[0]);
    }

    [Fact]
    public void ReadDataset_ScalesPixelsTo01AndKeepsLabels()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.Combine("i"), IdxBytes.Make([2, 1, 2], [0, 255, 51, 102]));
        File.WriteAllBytes(dir.Combine("l"), IdxBytes.Make([2], [1, 0]));
        var set = IdxReader.ReadDataset(dir.Combine("i"), dir.Combine("l"), ["a", "b"]);
        Assert.Equal([0f, 1f, 0.2f, 0.4f], set.Pixels.ToArray());
        Assert.Equal([1, 0], set.Labels.ToArray());
        Assert.Equal((1, 2), (set.Height, set.Width));
    }

    /// <summary>
    /// An IDX dataset (Fashion-MNIST) holds the file's bytes, one a pixel, and a batch copied out of it has every byte
    /// value as b / 255f bit for bit; an index outside the dataset is refused before any image is written.
    /// </summary>
    [Fact]
    public void ToDataset_HoldsTheBytesAndBatchesGiveThemOver255BitForBit()
    {
        const int count = 300, rows = 28, cols = 28, p = rows * cols;
        var pixels = Enumerable.Range(0, count * p).Select(i => (byte)((i * 7 + i / 256) % 256)).ToArray();
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        var set = IdxReader.ToDataset(new IdxArray("images", [count, rows, cols], pixels), new IdxArray("labels", [count], labels),
            FashionMnist.ClassNames);
        Assert.Equal("uint8 in memory", set.Storage);
        Assert.Equal((long)count * p, set.BytesInMemory);

        int[] batch = [299, 0, 17, 17, 150, 3, 298];
        var images = new float[batch.Length * p];
        var batchLabels = new int[batch.Length];
        set.CopyBatch(batch, images, batchLabels);
        for (int b = 0; b < batch.Length; b++)
        {
            Assert.Equal(labels[batch[b]], batchLabels[b]);
            for (int j = 0; j < p; j++)
            {
                float expected = pixels[batch[b] * p + j] / 255f;
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(images[b * p + j]),
                    $"image {batch[b]}, pixel {j}: {images[b * p + j]:R}, expected {expected:R}");
            }
        }

        var untouched = Enumerable.Repeat(float.NaN, 2 * p).ToArray();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => set.CopyBatch([5, count], untouched, new int[2]));
        Assert.Contains($"Index {count} is outside a dataset of {count} images", e.Message);
        Assert.All(untouched, x => Assert.True(float.IsNaN(x)));
    }

    [Fact]
    public void Read_BadMagic_NamesFileAndMagic()
    {
        using var dir = new TempDirectory();
        var e = ReadFails(dir, "bad-magic", [0x12, 0x34, 0x08, 0x01, 0, 0, 0, 1, 7]);
        Assert.Contains("bad magic number 0x12340801", e.Message);
    }

    [Fact]
    public void Read_FloatElementType_IsUnsupported()
    {
        using var dir = new TempDirectory();
        var e = ReadFails(dir, "floats", IdxBytes.Raw(0x0D, 1, [1], [0, 0, 0, 0]));
        Assert.Contains("unsupported element type 0x0D (float32)", e.Message);
    }

    [Fact]
    public void ReadImages_LabelFile_ReportsWrongRank()
    {
        using var dir = new TempDirectory();
        var e = ReadFails(dir, "labels-as-images", IdxBytes.Labels(4, 2), rank: 3);
        Assert.Contains("expected 3 dimensions (images: count, rows, columns) but the header declares 1 dimension", e.Message);
    }

    [Fact]
    public void Read_ZeroDimensionSize_IsRejected()
    {
        using var dir = new TempDirectory();
        var e = ReadFails(dir, "zero-dim", IdxBytes.Raw(0x08, 3, [5, 0, 28], []));
        Assert.Contains("dimension 1 has impossible size 0", e.Message);
    }

    [Fact]
    public void Read_HugeDimensions_AreRejectedBeforeAllocating()
    {
        using var dir = new TempDirectory();
        var e = ReadFails(dir, "huge", IdxBytes.Raw(0x08, 3, [60000, 60000, 60000], []));
        Assert.Contains("exceed the largest array", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_TruncatedImages_SaysHowManyBytesWereExpectedAndFound(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] full = IdxBytes.Images(3, 28, 28);
        byte[] cut = full[..(16 + 1234)];
        var e = ReadFails(dir, "train-images-idx3-ubyte.gz", gzip ? IdxBytes.Gzip(cut) : cut);
        Assert.Contains("truncated: header says 3 images of 28×28 (2352 bytes) but only 1234 bytes follow", e.Message);
    }

    [Fact]
    public void Read_TruncatedHeader_IsReported()
    {
        using var dir = new TempDirectory();
        var e = ReadFails(dir, "short-header", [0, 0, 8, 3, 0, 0]);
        Assert.Contains("truncated header", e.Message);
        var tiny = ReadFails(dir, "tiny", [0, 0]);
        Assert.Contains("too short for an IDX header", tiny.Message);
    }

    [Fact]
    public void Read_TrailingBytes_AreReported()
    {
        using var dir = new TempDirectory();
        var e = ReadFails(dir, "trailing", [.. IdxBytes.Labels(4, 2), 9, 9, 9]);
        Assert.Contains("trailing data: 3 bytes follow the 4 labels (4 bytes)", e.Message);
    }

    [Fact]
    public void Read_CorruptGzip_IsReportedAsNotAValidGzipStream()
    {
        using var dir = new TempDirectory();
        byte[] gz = IdxBytes.Gzip(IdxBytes.Images(2, 8, 8));
        for (int i = 12; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        var e = ReadFails(dir, "corrupt.gz", gz);
        Assert.Contains("not a valid gzip stream (or truncated)", e.Message);
    }

    [Fact]
    public void Read_GzipWithDamagedHeader_SaysNotAValidGzipStream()
    {
        using var dir = new TempDirectory();
        byte[] gz = IdxBytes.Gzip(IdxBytes.Images(2, 8, 8));
        gz[2] = 0x07; // the compression-method byte: .NET reports "unsupported compression method"
        var e = ReadFails(dir, "damaged.gz", gz);
        Assert.StartsWith(dir.Combine("damaged.gz") + ": not a valid gzip stream (or truncated)", e.Message);
    }

    [Fact]
    public void Read_CutGzipStream_IsReportedAsTruncated()
    {
        using var dir = new TempDirectory();
        byte[] gz = IdxBytes.Gzip(IdxBytes.Images(50, 28, 28));
        var e = ReadFails(dir, "cut.gz", gz[..(gz.Length / 2)]);
        Assert.Matches(@"truncated: header says 50 images of 28×28 \(39200 bytes\) but only \d+ bytes follow", e.Message);
    }

    [Fact]
    public void ReadLabels_ValueOutOfRange_NamesLabelAndIndex()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("labels");
        File.WriteAllBytes(path, IdxBytes.Make([3], [1, 12, 0]));
        var e = Assert.Throws<DataFileException>(() => IdxReader.ReadLabels(path, 10));
        Assert.Equal($"{path}: label 12 at index 1 is outside the 10 classes 0..9", e.Message);
    }

    [Fact]
    public void ReadDataset_CountMismatch_NamesBothFiles()
    {
        using var dir = new TempDirectory();
        string images = dir.Combine("train-images-idx3-ubyte"), labels = dir.Combine("train-labels-idx1-ubyte");
        File.WriteAllBytes(images, IdxBytes.Images(5, 2, 2));
        File.WriteAllBytes(labels, IdxBytes.Labels(4, 2));
        var e = Assert.Throws<DataFileException>(() => IdxReader.ReadDataset(images, labels, ["a", "b"]));
        Assert.Equal($"{images}: holds 5 images but its label file {labels} holds 4 labels", e.Message);
    }

    [Fact]
    public void Read_MissingFile_NamesIt()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("nope");
        var e = Assert.Throws<DataFileException>(() => IdxReader.Read(path));
        Assert.Equal($"{path}: file not found", e.Message);
    }
}
