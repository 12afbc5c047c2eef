namespace Workbench.Data.Storage;

/// <summary>
/// Some images of another storage, by index, without copying them: the training and test parts of one file's images share
/// its values (and a subset of a memory-mapped file reads the same file). Costs one int an image.
/// </summary>
internal sealed class IndexedStorage : ImageStorage
{
    private readonly ImageStorage _inner;
    private readonly int[] _indices;

    public IndexedStorage(ImageStorage inner, int[] indices) : base(indices.Length, inner.ValuesPerImage)
    {
        // A view of a view points straight at the values.
        (_inner, _indices) = inner is IndexedStorage view ? (view._inner, indices.Select(i => view._indices[i]).ToArray()) : (inner, indices);
    }

    /// <summary>The values it shares (counted in full: they are held once however many views share them) and its indices.</summary>
    public override long BytesInMemory => _inner.BytesInMemory + (long)_indices.Length * sizeof(int);

    public override string Describe() => _inner.Describe();

    public override void CopyImage(int index, Span<float> destination) => _inner.CopyImage(_indices[index], destination);

    /// <summary>A subset of a memory-mapped file stays a view of it; one of images in memory is a copy, as <see cref="ImageDataset.Subset"/> promises.</summary>
    public override ImageStorage Subset(int[] indices) =>
        _inner is MappedStorage ? new IndexedStorage(this, indices) : _inner.Subset(indices.Select(i => _indices[i]).ToArray());
}
