namespace Workbench.Data.Storage;

/// <summary>
/// Images held as bytes in memory (one byte a value, a quarter of floats), divided by 255 as each batch is copied out:
/// a 1 GB uint8 dataset takes about 1 GB, not 4.
/// </summary>
internal sealed class ByteStorage(byte[] values, int count, int valuesPerImage) : ImageStorage(count, valuesPerImage)
{
    /// <summary>All values, image after image.</summary>
    public byte[] Values { get; } = values;

    public override long BytesInMemory => Values.LongLength;

    public override string Describe() => "uint8 in memory";

    public override void CopyImage(int index, Span<float> destination) =>
        Widen(Values.AsSpan(index * ValuesPerImage, ValuesPerImage), destination[..ValuesPerImage]);

    public override ImageStorage Subset(int[] indices)
    {
        int p = ValuesPerImage;
        var values = new byte[(long)indices.Length * p];
        for (int b = 0; b < indices.Length; b++) Values.AsSpan(indices[b] * p, p).CopyTo(values.AsSpan(b * p, p));
        return new ByteStorage(values, indices.Length, p);
    }
}
