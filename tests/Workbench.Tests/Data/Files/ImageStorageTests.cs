using Workbench.Data;
using Workbench.Data.Files;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data.Files;

/// <summary>Images held as bytes or in a memory-mapped file give the same batches, bit for bit, as the same images held as floats.</summary>
public class ImageStorageTests
{
    private static byte[] Values(int count) => Enumerable.Range(0, count).Select(i => (byte)((i * 31 + i / 7) % 256)).ToArray();

    [Fact]
    public void FromBytes_Batches_EqualFloatDatasetOfBytesOver255()
    {
        var bytes = Values(50 * 2 * 3 * 4);
        var labels = Enumerable.Range(0, 50).Select(i => i % 5).ToArray();
        var asBytes = ImageDataset.FromBytes(bytes, labels, 2, 3, 4, ["a", "b", "c", "d", "e"]);
        var asFloats = new ImageDataset(bytes.Select(b => b / 255f).ToArray(), labels, 2, 3, 4, ["a", "b", "c", "d", "e"]);

        var byteLoader = new DataLoader(asBytes, 8, seed: 3);
        var floatLoader = new DataLoader(asFloats, 8, seed: 3);
        foreach (var (b, f) in byteLoader.Epoch(1).Zip(floatLoader.Epoch(1)))
        {
            Assert.Equal(f.Images.ToArray(), b.Images.ToArray());
            Assert.Equal(f.Labels, b.Labels);
        }
        Assert.Equal(asFloats.MeanImage().ToArray(), asBytes.MeanImage().ToArray());
        Assert.Equal((asFloats.BytesInMemory, asBytes.BytesInMemory), (4L * bytes.Length, bytes.Length));
        var subset = asBytes.Subset([7, 2]);
        Assert.Equal("uint8 in memory", subset.Storage);
        Assert.Equal(asFloats.Subset([7, 2]).Pixels.ToArray(), subset.Pixels.ToArray());
        Assert.Equal(asFloats.WithoutClasses(1).Pixels.ToArray(), asBytes.WithoutClasses(1).Pixels.ToArray());
    }

    /// <summary>Widening bytes to floats gives b / 255f bit for bit for every byte value, at every length and offset
    /// around the 16-byte vector steps, and writes nothing past the bytes it was given.</summary>
    [Fact]
    public void Widen_EveryByteValueAtAnyLengthAndOffset_IsTheByteOver255BitForBit()
    {
        var source = Enumerable.Range(0, 2000).Select(i => (byte)((i * 37 + i / 256) % 256)).ToArray();
        foreach (int length in new[] { 0, 1, 7, 15, 16, 17, 31, 33, 100, 784, 1000 })
            foreach (int offset in new[] { 0, 1, 5, 16 })
            {
                var destination = Enumerable.Repeat(float.NaN, length + 20).ToArray();
                Workbench.Data.Storage.ImageStorage.Widen(source.AsSpan(offset, length), destination);
                for (int j = 0; j < length; j++)
                {
                    float expected = source[offset + j] / 255f;
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(destination[j]),
                        $"length {length}, offset {offset}, byte {source[offset + j]}: {destination[j]:R}, expected {expected:R}");
                }
                Assert.All(destination.Skip(length), x => Assert.True(float.IsNaN(x)));
            }
        var all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var widened = new float[256];
        Workbench.Data.Storage.ImageStorage.Widen(all, widened);
        Assert.Equal(Workbench.Data.Storage.ImageStorage.ByteToUnit, widened);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MemoryMappedNpy_Batches_EqualTheSameFileReadIntoMemory(bool channelsLast)
    {
        using var dir = new Support.TempDirectory();
        long[] shape = channelsLast ? [40, 5, 6, 3] : [40, 3, 5, 6];
        NpyFile.Write(dir.File("x.npy"), Values(40 * 90), shape);
        NpyFile.Write(dir.File("y.npy"), Enumerable.Range(0, 40).Select(i => (long)(i % 4)).ToArray(), 40);

        var mapped = NpyDataset.Load(dir.File("x.npy"), dir.File("y.npy"), memoryMap: true);
        var loaded = NpyDataset.Load(dir.File("x.npy"), dir.File("y.npy"), memoryMap: false);

        Assert.Equal($"uint8 memory-mapped from {dir.File("x.npy")}", mapped.Train.Storage);
        Assert.Equal("uint8 in memory", loaded.Train.Storage);
        foreach (var (m, l) in new[] { (mapped.Train, loaded.Train), (mapped.Test, loaded.Test) })
        {
            Assert.Equal(l.Labels.ToArray(), m.Labels.ToArray());
            foreach (var (a, b) in new DataLoader(m, 7, seed: 5).Epoch(0).Zip(new DataLoader(l, 7, seed: 5).Epoch(0)))
                Assert.Equal(b.Images.ToArray(), a.Images.ToArray());
        }
        var sub = mapped.Train.Subset([3, 1]);
        Assert.StartsWith("uint8 memory-mapped", sub.Storage); // a subset of a mapped file stays a view of it
        Assert.Equal(loaded.Train.Subset([3, 1]).Pixels.ToArray(), sub.Pixels.ToArray());
    }

    [Fact]
    public void MemoryMappedNpy_Float32_EqualsTheFileReadIntoMemory()
    {
        using var dir = new Support.TempDirectory();
        NpyFile.Write(dir.File("x.npy"), Values(20 * 16).Select(b => b / 255f).ToArray(), 20, 4, 4);

        var mapped = NpyDataset.Load(dir.File("x.npy"), memoryMap: true);
        var loaded = NpyDataset.Load(dir.File("x.npy"), memoryMap: false);

        Assert.StartsWith("float32 memory-mapped", mapped.Train.Storage);
        Assert.Equal(loaded.Train.Pixels.ToArray(), mapped.Train.Pixels.ToArray());
    }

    [Fact]
    public void Load_NpzAskedToBeMapped_SaysWhyNot()
    {
        var path = FixtureFiles.PathOf(Path.Combine("npy", "split.npz"));
        var e = Assert.Throws<DataFileException>(() => NpyDataset.Load(path, memoryMap: true));
        Assert.StartsWith($"{path}: a .npz cannot be memory-mapped", e.Message);
    }
}
