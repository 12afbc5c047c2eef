using System.Buffers.Binary;
using System.IO.Compression;
using Workbench.Data;
using Workbench.IO;
using Workbench.Plotting.Imaging;

namespace Workbench.Tests.Data;

/// <summary>
/// Binary files whose header claims far more data than they hold: the claim is checked against the file before
/// anything that size is allocated, and the message names the file, the claim and what the file holds.
/// </summary>
public class ClaimedSizeTests
{
    /// <summary>Bytes allocated on this thread while <paramref name="action"/> runs.</summary>
    private static long Allocated(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void ReadImages_HeaderClaimsMillionsOfImagesInATinyFile_NamesFileCountAndSize_WithoutAllocatingThem()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("train-images-idx3-ubyte");
        File.WriteAllBytes(path, IdxBytes.Raw(0x08, 3, [2_000_000, 28, 28], new byte[100]));
        DataFileException? error = null;

        long allocated = Allocated(() => error = Assert.Throws<DataFileException>(() => IdxReader.ReadImages(path)));

        Assert.True(allocated < 16_000_000, $"{allocated} bytes allocated for a {new FileInfo(path).Length}-byte file");
        Assert.StartsWith(path + ": ", error!.Message);
        Assert.Contains("2000000 images", error.Message);
        Assert.Contains("116 bytes", error.Message); // the file's length: 16 header bytes and 100 of pixels
    }

    [Fact]
    public void ReadImages_GzipWhoseHeaderClaimsMillionsOfImages_FailsWithoutAllocatingThem()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, IdxBytes.Gzip(IdxBytes.Raw(0x08, 3, [2_000_000, 28, 28], new byte[100])));
        DataFileException? error = null;

        long allocated = Allocated(() => error = Assert.Throws<DataFileException>(() => IdxReader.ReadImages(path)));

        Assert.True(allocated < 16_000_000, $"{allocated} bytes allocated for a {new FileInfo(path).Length}-byte file");
        Assert.StartsWith(path + ": ", error!.Message);
        Assert.Contains("2000000 images", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void ReadImages_ClaimWithinTheFile_StillReads()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("images");
        File.WriteAllBytes(path, IdxBytes.Make([3, 2, 2], new byte[12]));

        Assert.Equal([3, 2, 2], IdxReader.ReadImages(path).Dimensions);
    }

    [Fact]
    public void Load_SafetensorsWhoseEntryClaimsMoreThanTheFile_FailsWithoutAllocatingIt()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("model.safetensors");
        // One tensor of 10^8 floats (400 MB) described in the header, 8 bytes of data after it.
        var header = """{"w":{"dtype":"F32","shape":[100000000],"data_offsets":[0,400000000]}}"""u8.ToArray();
        var bytes = new byte[8 + header.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        InvalidDataException? error = null;

        long allocated = Allocated(() => error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path)));

        Assert.True(allocated < 16_000_000, $"{allocated} bytes allocated");
        Assert.Contains(path, error!.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Decode_PngWhoseHeaderClaimsAHugeImage_FailsNamingTheClaimWithoutAllocatingIt()
    {
        // IHDR: 40000 × 40000 RGBA (6.4 GB of pixels) and one tiny IDAT chunk.
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, 40_000);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), 40_000);
        ihdr[8] = 8;
        ihdr[9] = 6;
        using var deflated = new MemoryStream();
        using (var zlib = new ZLibStream(deflated, CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(new byte[64]);
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR"u8, ihdr);
        Chunk(png, "IDAT"u8, deflated.ToArray());
        Chunk(png, "IEND"u8, []);
        InvalidDataException? error = null;

        long allocated = Allocated(() => error = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(png.ToArray())));

        Assert.True(allocated < 16_000_000, $"{allocated} bytes allocated");
        Assert.Contains("40000×40000", error!.Message);
    }

    private static void Chunk(Stream png, ReadOnlySpan<byte> type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        png.Write(word);
        png.Write(type);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, type), data)));
        png.Write(word);
    }
}
