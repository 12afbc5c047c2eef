using System.IO.MemoryMappedFiles;
using Workbench.Data.Files;

namespace Workbench.Data.Storage;

/// <summary>
/// Images read from a memory-mapped file (an uncompressed <c>.npy</c>), batch by batch: nothing is loaded up front, and the
/// operating system keeps in memory only the pages recently read, so a dataset larger than memory can be trained on.
/// Values are uint8 (divided by 255 per batch) or little-endian float32, image after image from <see cref="MappedFile.Offset"/>.
/// </summary>
/// <remarks>
/// The mapping stays open as long as the dataset is reachable (it is released when the dataset is collected);
/// on Linux the file can still be replaced meanwhile, but not truncated safely — keep it unchanged while training.
/// </remarks>
internal sealed unsafe class MappedStorage : ImageStorage
{
    private readonly MappedFile _file;
    private readonly ImageLayout _layout; // (C, H, W) or (H, W, C) as stored, no alpha
    [ThreadStatic] private static byte[]? _transposeBuffer;

    public MappedStorage(MappedFile file, ImageLayout layout)
        : base(layout.Count, layout.ValuesPerImage)
    {
        _file = file;
        _layout = layout;
    }

    public override long BytesInMemory => 0;

    public override string Describe() => $"{(_file.IsFloat ? "float32" : "uint8")} memory-mapped from {_file.Path}";

    public override void CopyImage(int index, Span<float> destination)
    {
        long image = index;
        int p = ValuesPerImage;
        if (_file.IsFloat)
        {
            var source = new ReadOnlySpan<float>(_file.Pointer + _file.Offset + image * p * sizeof(float), p);
            _layout.ToChw(source, destination[..p]);
        }
        else
        {
            var source = new ReadOnlySpan<byte>(_file.Pointer + _file.Offset + image * p, p);
            if (_layout.ChannelsLast)
            {
                var buffer = _transposeBuffer is { Length: var n } b && n >= p ? b : _transposeBuffer = new byte[p];
                _layout.ToChw(source, buffer.AsSpan(0, p));
                source = buffer.AsSpan(0, p);
            }
            Widen(source, destination[..p]);
        }
    }

    public override ImageStorage Subset(int[] indices) => new IndexedStorage(this, indices);
}

/// <summary>A file mapped read-only into memory, with the offset of its values and their type.</summary>
internal sealed unsafe class MappedFile
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;

    public MappedFile(string path, long offset, long length, bool isFloat)
    {
        Path = path;
        Offset = offset;
        IsFloat = isFloat;
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, offset + length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        Pointer = pointer + _view.PointerOffset;
    }

    ~MappedFile()
    {
        // Critical finalizers (the view's SafeHandle) run after ordinary ones, so the handle is still valid here.
        try
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _map.Dispose();
        }
        catch (ObjectDisposedException) { }
    }

    public string Path { get; }
    public long Offset { get; }
    public bool IsFloat { get; }
    public byte* Pointer { get; }
}
