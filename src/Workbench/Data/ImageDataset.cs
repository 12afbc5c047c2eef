using Workbench.Tensors;

namespace Workbench.Data;

/// <summary>
/// An in-memory set of labelled images: N images of C channels of H×W pixels in [0, 1], each stored
/// channel after channel, row-major (PyTorch's (C, H, W) layout), one after another, and one class label per image.
/// Greyscale images have one channel.
/// </summary>
public sealed class ImageDataset
{
    private readonly float[] _pixels;
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
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"Image size must be positive, got {height}×{width}.");
        if (channels <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "An image needs at least one channel.");
        if ((long)labels.Length * channels * height * width != pixels.Length)
            throw new ArgumentException($"{labels.Length} images of {ShapeText(channels, height, width)} need {(long)labels.Length * channels * height * width} values, got {pixels.Length}.");
        if (classNames.Count == 0) throw new ArgumentException("A dataset needs at least one class name.", nameof(classNames));
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"Label {labels[i]} of image {i} is outside the {classNames.Count} classes.", nameof(labels));
        _pixels = pixels;
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

    /// <summary>All values, image after image (N·C·H·W values in [0, 1]). Do not modify.</summary>
    public ReadOnlySpan<float> Pixels => _pixels;

    /// <summary>All labels (N values in 0..classes-1). Do not modify.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The values of image <paramref name="index"/> (C·H·W values, channel after channel, row-major).</summary>
    public ReadOnlySpan<float> Image(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"Image {index} of a dataset of {Count}.");
        return _pixels.AsSpan(index * ValuesPerImage, ValuesPerImage);
    }

    /// <summary>A new dataset holding copies of the images at <paramref name="indices"/>, in that order.</summary>
    public ImageDataset Subset(int[] indices)
    {
        var pixels = new float[(long)indices.Length * ValuesPerImage];
        var labels = new int[indices.Length];
        CopyBatch(indices, pixels, labels);
        return new ImageDataset(pixels, labels, Channels, Height, Width, ClassNames) { Source = Source };
    }

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
        for (int b = 0; b < indices.Length; b++)
        {
            int i = indices[b];
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"Index {i} is outside a dataset of {Count} images.");
            _pixels.AsSpan(i * p, p).CopyTo(images.Slice(b * p, p));
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
        for (int i = 0; i < Count; i++)
        {
            var image = _pixels.AsSpan(i * p, p);
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
