namespace Workbench.Data.Storage;

/// <summary>Images held as floats in memory (4 bytes a value): the storage of every dataset built from a float array.</summary>
internal sealed class FloatStorage(float[] values, int count, int valuesPerImage) : ImageStorage(count, valuesPerImage)
{
    /// <summary>All values, image after image.</summary>
    public float[] Values { get; } = values;

    public override long BytesInMemory => (long)Values.Length * sizeof(float);

    public override string Describe() => "float32 in memory";

    public override void CopyImage(int index, Span<float> destination) =>
        Values.AsSpan(index * ValuesPerImage, ValuesPerImage).CopyTo(destination);

    public override ImageStorage Subset(int[] indices)
    {
        int p = ValuesPerImage;
        var values = new float[(long)indices.Length * p];
        for (int b = 0; b < indices.Length; b++) CopyImage(indices[b], values.AsSpan(b * p, p));
        return new FloatStorage(values, indices.Length, p);
    }
}
