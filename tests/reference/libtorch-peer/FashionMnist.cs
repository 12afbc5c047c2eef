using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace LibTorchPeer;

/// <summary>Fashion-MNIST's training images from their IDX file, as pytorch_vae.py's load("train") reads them.</summary>
internal static class FashionMnist
{
    /// <summary>(N, 784) floats in [0, 1]: train-images-idx3-ubyte(.gz) in <paramref name="directory"/>, the first <paramref name="limit"/> images when given.</summary>
    public static Tensor LoadTrainingImages(string directory, int? limit)
    {
        string path = Path.Combine(directory, "train-images-idx3-ubyte");
        byte[] raw = File.Exists(path) ? File.ReadAllBytes(path) : Gunzip(path + ".gz");
        // IDX: two zero bytes, the element type (0x08: unsigned byte), the dimension count, then each dimension as a big-endian int32.
        if (raw.Length < 16 || raw[2] != 0x08 || raw[3] != 3) throw new InvalidDataException($"{path}: not an IDX file of unsigned-byte images");
        int count = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4));
        int pixels = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(8)) * BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(12));
        if (limit is { } l) count = Math.Min(count, l);
        var images = new float[(long)count * pixels];
        for (long i = 0; i < images.Length; i++) images[i] = raw[16 + i] / 255f;
        return tensor(images, [count, pixels]);
    }

    private static byte[] Gunzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}
