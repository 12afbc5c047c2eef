namespace Workbench.Data.Storage;

/// <summary>
/// Where an <see cref="ImageDataset"/>'s values live: floats in memory, bytes in memory (converted per batch),
/// or a memory-mapped file read batch by batch. Every kind hands out images as floats in [0, 1] (bytes
/// divided by 255, as the IDX reader does), so a model cannot tell them apart.
/// </summary>
internal abstract class ImageStorage
{
    protected ImageStorage(int count, int valuesPerImage)
    {
        Count = count;
        ValuesPerImage = valuesPerImage;
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Values per image (C·H·W).</summary>
    public int ValuesPerImage { get; }

    /// <summary>Bytes of memory the values take (0 for a mapped file: the operating system pages it in and out).</summary>
    public abstract long BytesInMemory { get; }

    /// <summary>How the values are held, in words: "float32 in memory", "uint8 in memory", "uint8 memory-mapped from …".</summary>
    public abstract string Describe();

    /// <summary>Writes image <paramref name="index"/> as floats into <paramref name="destination"/> (C·H·W values).</summary>
    public abstract void CopyImage(int index, Span<float> destination);

    /// <summary>The images at <paramref name="indices"/>, in that order: copies for in-memory kinds, a view of the same file for a mapped one.</summary>
    public abstract ImageStorage Subset(int[] indices);

    /// <summary>The table of the 256 byte values divided by 255 — the same floats as <c>b / 255f</c>, bit for bit.</summary>
    public static readonly float[] ByteToUnit = MakeByteTable();

    private static float[] MakeByteTable()
    {
        var table = new float[256];
        for (int b = 0; b < 256; b++) table[b] = b / 255f;
        return table;
    }

    /// <summary>Converts bytes to floats in [0, 1] through <see cref="ByteToUnit"/>.</summary>
    public static void Widen(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var table = ByteToUnit;
        for (int j = 0; j < source.Length; j++) destination[j] = table[source[j]];
    }
}
