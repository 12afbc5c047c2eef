using Workbench.Data.Storage;
using Workbench.Tensors;

namespace Workbench.Data;

/// <summary>
/// An in-memory set of labelled images: N images of C channels of H×W pixels in [0, 1], each stored
/// channel after channel, row-major (PyTorch's (C, H, W) layout), one after another, and one class label per image.
/// Greyscale images have one channel. The values are held as floats (the constructors), as bytes divided by 255
/// per batch (<see cref="FromBytes"/>, a quarter of the memory), or in a memory-mapped file read batch by batch
/// (<see cref="Files.NpyFile"/>); batches are the same floats whichever holds them.
/// </summary>
public sealed class ImageDataset
{
    private readonly float[]? _pixels; // the float storage's array, or null for bytes or a mapped file
    private readonly ImageStorage _storage;
    private readonly int[] _labels;

    /// <summary>
    /// Wraps greyscale <paramref name="pixels"/> (N·H·W values, image after image) and <paramref name="labels"/> (N)
    /// without copying them.
    /// </summary>
    public ImageDataset(float[] pixels, int[] labels, int height, int width, IReadOnlyList<string> classNames)
        : this(pixels, labels, channels: 1, height, width, classNames)
    {
    }

    /// <summary>
    /// Wraps <paramref name="pixels"/> (N·C·H·W values, image after image, each in (C, H, W) order) and
    /// <paramref name="labels"/> (N) without copying them.
    /// </summary>
    public ImageDataset(float[] pixels, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames)
        : this(new FloatStorage(pixels ?? throw new ArgumentNullException(nameof(pixels)), labels?.Length ?? 0, channels * height * width),
               pixels.LongLength, labels!, channels, height, width, classNames)
    {
    }

    /// <summary>
    /// A dataset holding <paramref name="values"/> (N·C·H·W bytes, image after image, each in (C, H, W) order) as bytes,
    /// without copying them: batches divide them by 255 as they are copied out (the same floats as <c>b / 255f</c>),
    /// so the images take one byte a value in memory instead of four.
    /// </summary>
    public static ImageDataset FromBytes(byte[] values, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new ImageDataset(new ByteStorage(values, labels?.Length ?? 0, channels * height * width), values.LongLength, labels!, channels, height, width, classNames);
    }

    /// <summary>A dataset over <paramref name="storage"/> (already holding N·C·H·W values).</summary>
    internal static ImageDataset FromStorage(ImageStorage storage, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames,
        string? source = null) =>
        new(storage, (long)storage.Count * storage.ValuesPerImage, labels, channels, height, width, classNames) { Source = source };

    private ImageDataset(ImageStorage storage, long valueCount, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"Image size must be positive, got {height}×{width}.");
        if (channels <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "An image needs at least one channel.");
        if ((long)labels.Length * channels * height * width != valueCount)
            throw new ArgumentException($"{labels.Length} images of {ShapeText(channels, height, width)} need {(long)labels.Length * channels * height * width} values, got {valueCount}.");
        if (classNames.Count == 0) throw new ArgumentException("A dataset needs at least one class name.", nameof(classNames));
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"Label {labels[i]} of image {i} is outside the {classNames.Count} classes.", nameof(labels));
        _storage = storage;
        _pixels = (storage as FloatStorage)?.Values;
        _labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames.ToArray();
    }

    /// <summary>Number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Channels per image: 1 for greyscale, 3 for RGB.</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Values per image (C·H·W): the feature size of a flattened batch.</summary>
    public int ValuesPerImage => Channels * Height * Width;

    /// <summary>
    /// Where the images came from, in words a reader can act on ("Fashion-MNIST training split from /data/fm",
    /// "PNG folder /home/me/faces/train"), or null when nobody said. Kept by <see cref="Subset"/> and
    /// <see cref="WithoutClasses"/>; run folders record it beside the data's fingerprint.
    /// </summary>
    public string? Source { get; init; }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// All values, image after image (N·C·H·W values in [0, 1]). Do not modify. For a dataset held as bytes or in a mapped
    /// file this converts every image to a new float array (four bytes a value): prefer <see cref="CopyBatch"/> there.
    /// </summary>
    public ReadOnlySpan<float> Pixels => _pixels ?? Widened(0, Count);

    /// <summary>How the values are held: "float32 in memory", "uint8 in memory" or "uint8 memory-mapped from &lt;file&gt;".</summary>
    public string Storage => _storage.Describe();

    /// <summary>Bytes of memory the values take: 4 a value as floats, 1 as bytes, 0 in a mapped file (the operating system pages it).</summary>
    public long BytesInMemory => _storage.BytesInMemory;

    /// <summary>All labels (N values in 0..classes-1). Do not modify.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The values of image <paramref name="index"/> (C·H·W values, channel after channel, row-major).</summary>
    public ReadOnlySpan<float> Image(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"Image {index} of a dataset of {Count}.");
        return _pixels is null ? Widened(index, 1) : _pixels.AsSpan(index * ValuesPerImage, ValuesPerImage);
    }

    /// <summary><paramref name="count"/> images from <paramref name="first"/> on, as a new float array.</summary>
    private float[] Widened(int first, int count)
    {
        int p = ValuesPerImage;
        var values = new float[(long)count * p];
        for (int i = 0; i < count; i++) _storage.CopyImage(first + i, values.AsSpan(i * p, p));
        return values;
    }

    /// <summary>A new dataset holding copies of the images at <paramref name="indices"/>, in that order.</summary>
    /// <remarks>Images held as bytes stay bytes; a subset of a mapped file is a view of the same file (only the indices are new).</remarks>
    public ImageDataset Subset(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var labels = new int[indices.Length];
        for (int b = 0; b < indices.Length; b++)
        {
            int i = indices[b];
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"Index {i} is outside a dataset of {Count} images.");
            labels[b] = _labels[i];
        }
        return FromStorage(_storage.Subset(indices), labels, Channels, Height, Width, ClassNames, Source);
    }

    /// <summary>The images at <paramref name="indices"/>, in that order, sharing this dataset's values instead of copying them (labels are copied).</summary>
    internal ImageDataset View(int[] indices, string? source)
    {
        var labels = new int[indices.Length];
        for (int b = 0; b < indices.Length; b++) labels[b] = _labels[indices[b]];
        return FromStorage(new IndexedStorage(_storage, indices), labels, Channels, Height, Width, ClassNames, source);
    }

    /// <summary>The same images and labels (shared, not copied) described by <paramref name="source"/>.</summary>
    public ImageDataset WithSource(string? source) => FromStorage(_storage, _labels, Channels, Height, Width, ClassNames, source);

    /// <summary>A new dataset without the images of the classes in <paramref name="classes"/> (e.g. a class held out of training), in the original order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class is not one of this dataset's.</exception>
    public ImageDataset WithoutClasses(params int[] classes)
    {
        foreach (var c in classes)
            if ((uint)c >= (uint)ClassNames.Count)
                throw new ArgumentOutOfRangeException(nameof(classes), c, $"Class {c} is not one of this dataset's classes 0–{ClassNames.Count - 1}.");
        var kept = new List<int>(Count);
        for (int i = 0; i < Count; i++)
            if (Array.IndexOf(classes, _labels[i]) < 0) kept.Add(i);
        return Subset(kept.ToArray());
    }

    /// <summary>
    /// The images at <paramref name="indices"/> as a tensor (B, C·H·W) and their labels (B).
    /// </summary>
    public (Tensor Images, int[] Labels) Batch(ReadOnlySpan<int> indices)
    {
        var images = Tensor.Uninitialized([indices.Length, ValuesPerImage]); // (B, C·H·W)
        var labels = new int[indices.Length];
        CopyBatch(indices, images.Span, labels);
        return (images, labels);
    }

    /// <summary>
    /// Copies the images at <paramref name="indices"/> into <paramref name="images"/> (B·C·H·W values) and
    /// their labels into <paramref name="labels"/> (B values): the allocation-free form of <see cref="Batch"/>.
    /// </summary>
    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> images, Span<int> labels)
    {
        int p = ValuesPerImage;
        if (images.Length != indices.Length * p || labels.Length != indices.Length)
            throw new ArgumentException($"A batch of {indices.Length} needs {indices.Length * p} pixel slots and {indices.Length} label slots, got {images.Length} and {labels.Length}.");
        foreach (int i in indices)
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"Index {i} is outside a dataset of {Count} images.");
        _storage.Prefetch(indices);
        for (int b = 0; b < indices.Length; b++)
        {
            int i = indices[b];
            if (_pixels is not null) _pixels.AsSpan(i * p, p).CopyTo(images.Slice(b * p, p));
            else _storage.CopyImage(i, images.Slice(b * p, p));
            labels[b] = _labels[i];
        }
    }

    /// <summary>One-hot encoding of <paramref name="labels"/>: a tensor (B, classes) with a single 1 per row.</summary>
    public static Tensor OneHot(ReadOnlySpan<int> labels, int classes) => Tensor.OneHot(labels, classes);

    /// <summary>One-hot encoding of <paramref name="labels"/> with this dataset's number of classes (B, classes).</summary>
    public Tensor OneHot(ReadOnlySpan<int> labels) => OneHot(labels, ClassNames.Count);

    /// <summary>The per-value mean over all images, a tensor (C·H·W) (computed in double precision).</summary>
    public Tensor MeanImage()
    {
        int p = ValuesPerImage;
        var sums = new double[p];
        var buffer = _pixels is null ? new float[p] : null;
        for (int i = 0; i < Count; i++)
        {
            ReadOnlySpan<float> image = _pixels is null ? buffer : _pixels.AsSpan(i * p, p);
            if (buffer is not null) _storage.CopyImage(i, buffer);
            for (int j = 0; j < p; j++) sums[j] += image[j];
        }
        var mean = new float[p];
        for (int j = 0; j < p; j++) mean[j] = Count == 0 ? 0f : (float)(sums[j] / Count);
        return Tensor.FromArray(mean, p);
    }

    /// <summary>Number of images of each class (length = number of classes).</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassNames.Count];
        foreach (int label in _labels) counts[label]++;
        return counts;
    }

    /// <summary>"28×28" for one channel, "3×64×64" for three.</summary>
    public string ShapeText() => ShapeText(Channels, Height, Width);

    private static string ShapeText(int channels, int height, int width) => channels == 1 ? $"{height}×{width}" : $"{channels}×{height}×{width}";

    public override string ToString() => $"ImageDataset({Count} images of {ShapeText()}, {ClassNames.Count} classes)";
}
