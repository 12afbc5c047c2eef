using System.Globalization;
using Workbench.Data;

namespace Workbench.Experiments.Definitions;

/// <summary>
/// What the images of a run trained on data handed over in memory were (a notebook's <c>Lab.Train</c>): where they
/// came from (<see cref="ImageDataset.Source"/>), how many, their shape and their classes. A run's <c>config.json</c>
/// records it as <c>data.inMemory</c>, beside the fingerprint of the pixels and labels, so the run says what it saw
/// even when the images themselves are not kept. It describes images the fingerprint already identifies, so it is
/// left out of the run's identity: a source described in other words does not make another run.
/// </summary>
public sealed record InMemoryImages
{
    /// <summary>The <see cref="DataSpec.Dataset"/> of runs on images handed over in memory.</summary>
    public const string DatasetName = "in-memory";

    /// <summary>Where the training images came from, in words; null when nobody said.</summary>
    public string? TrainSource { get; init; }

    /// <summary>Where the test images came from, in words; null when nobody said.</summary>
    public string? TestSource { get; init; }

    /// <summary>Number of training images.</summary>
    public int TrainImages { get; init; }

    /// <summary>Number of test images.</summary>
    public int TestImages { get; init; }

    /// <summary>Channels per image: 1 for greyscale, 3 for RGB.</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; }

    /// <summary>The class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>The description of <paramref name="train"/> and <paramref name="test"/> (both of one image shape).</summary>
    public static InMemoryImages Of(ImageDataset train, ImageDataset test)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        return new InMemoryImages
        {
            TrainSource = train.Source,
            TestSource = test.Source,
            TrainImages = train.Count,
            TestImages = test.Count,
            Channels = test.Channels,
            Height = test.Height,
            Width = test.Width,
            ClassNames = test.ClassNames.ToArray(),
        };
    }

    /// <summary>The image shape as <see cref="ImageDataset.ShapeText()"/> writes it: "28×28", or "3×64×64" with colour.</summary>
    public string ShapeText() => Channels == 1
        ? string.Create(CultureInfo.InvariantCulture, $"{Height}×{Width}")
        : string.Create(CultureInfo.InvariantCulture, $"{Channels}×{Height}×{Width}");

    /// <summary>One line for messages, e.g. "300 training and 100 test images of 28×28 in 10 classes (test images: Fashion-MNIST test split)".</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{TrainImages} training and {TestImages} test images of {ShapeText()} in {ClassNames.Count} classes") +
        (TestSource is { } source ? $" (test images: {source})" : "");

    /// <summary>Bytes the test images take when kept as float32 values with their labels (what <c>test-data.safetensors</c> holds, header aside).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long TestBytes => (long)TestImages * (Channels * Height * Width + 1) * sizeof(float);

    // Records compare lists by reference; two descriptions of the same images are equal.
    public bool Equals(InMemoryImages? other) =>
        other is not null && TrainSource == other.TrainSource && TestSource == other.TestSource && TrainImages == other.TrainImages &&
        TestImages == other.TestImages && Channels == other.Channels && Height == other.Height && Width == other.Width &&
        ClassNames.SequenceEqual(other.ClassNames);

    public override int GetHashCode() => HashCode.Combine(TrainSource, TestSource, TrainImages, TestImages, Channels, Height, Width, ClassNames.Count);
}
