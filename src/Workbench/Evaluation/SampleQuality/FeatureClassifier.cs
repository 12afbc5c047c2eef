using Workbench.Data;
using Workbench.NN;
using Workbench.Optim;
using Workbench.Tensors;

namespace Workbench.Evaluation.SampleQuality;

/// <summary>
/// The judge of the sample-quality measures: a small convolutional classifier of C × H × W images (28 × 28 greyscale
/// by default) whose penultimate layer (<see cref="FeatureSize"/> ReLU units) is the feature space of the Fréchet
/// distance and of precision and recall — the role Inception-v3's pool features play for FID on natural images.
/// (B, C·H·W) → Unflatten (B, C, H, W) → conv 5×5/2 16 → ReLU → conv 5×5/2 32 → ReLU → (B, 32·⌈H/4⌉·⌈W/4⌉)
/// → linear 128 → ReLU [features] → linear classes [logits]. For 28 × 28 greyscale: (B, 784) → (B, 32·7·7) → 128.
/// A judge knows one image shape; colour images get a judge of their own, trained on them.
/// </summary>
public sealed class FeatureClassifier : Module<Tensor, Tensor>
{
    public const int FeatureSize = 128;
    public const int Side = 28;

    /// <summary>A freshly initialised network for C × H × W images (weights drawn from <paramref name="rng"/>).</summary>
    /// <param name="channels">1 (greyscale) or 3 (RGB).</param>
    public FeatureClassifier(int classes, Rng rng, int channels = 1, int height = Side, int width = Side)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "A classifier needs at least 2 classes.");
        if (channels < 1 || height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(channels), $"Image shape must be positive, got {channels}×{height}×{width}.");
        Classes = classes;
        Channels = channels;
        Height = height;
        Width = width;
        // A 5×5 stride-2 convolution with padding 2 takes a side s to ⌈s/2⌉.
        int h4 = (((height + 1) / 2) + 1) / 2, w4 = (((width + 1) / 2) + 1) / 2;
        Features = RegisterModule("features", new Sequential(
            new Unflatten(channels, height, width),
            new Conv2d(channels, 16, 5, rng, stride: 2, padding: 2), new ReLU(),   // (B, 16, H/2, W/2)
            new Conv2d(16, 32, 5, rng, stride: 2, padding: 2), new ReLU(),         // (B, 32, H/4, W/4)
            new Flatten(),
            new Linear(32 * h4 * w4, FeatureSize, rng), new ReLU()));             // (B, 128)
        Head = RegisterModule("head", new Linear(FeatureSize, classes, rng));
    }

    public int Classes { get; }

    /// <summary>Channels of the images the classifier reads: 1 (greyscale) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>Height of the images the classifier reads.</summary>
    public int Height { get; }

    /// <summary>Width of the images the classifier reads.</summary>
    public int Width { get; }

    /// <summary>C·H·W, the values per image.</summary>
    public int ValuesPerImage => Channels * Height * Width;

    /// <summary>The image shape in words: "28×28", or "3×28×28" (C×H×W) for colour.</summary>
    public string ShapeText => (Channels == 1 ? "" : $"{Channels}×") + $"{Height}×{Width}";

    /// <summary>(B, C·H·W) → (B, 128): the penultimate layer.</summary>
    public Sequential Features { get; }

    /// <summary>(B, 128) → (B, classes) logits.</summary>
    public Linear Head { get; }

    /// <summary>(B, C·H·W) → (B, classes) logits.</summary>
    public override Tensor Forward(Tensor images) => Head.Forward(Features.Forward(images));

    /// <summary>
    /// Trains a judge of <paramref name="data"/>'s image shape (C × H × W) on it with Adam on the cross-entropy, in seeded shuffled minibatches:
    /// the same seed gives the same classifier. <paramref name="progress"/> hears after every 50 batches
    /// and at the end of each epoch (epoch, fraction of it done, mean loss of the epoch so far).
    /// </summary>
    public static FeatureClassifier Train(ImageDataset data, int epochs = 3, int batchSize = 128, float learningRate = 1e-3f, ulong seed = 1,
        Action<int, double, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException("Cannot train a classifier on an empty dataset.", nameof(data));
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Train for at least one epoch.");
        var rng = new Rng(seed);
        var network = new FeatureClassifier(data.ClassNames.Count, rng, data.Channels, data.Height, data.Width);
        var optimizer = new Adam(network.Parameters(), learningRate);
        var pool = new BufferPool();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var order = rng.Permutation(data.Count);
            double lossSum = 0;
            int batches = 0;
            for (int start = 0; start < order.Length; start += batchSize)
            {
                using var scope = TensorScope.Begin(pool);
                var (images, labels) = data.Batch(order.AsSpan(start, Math.Min(batchSize, order.Length - start)));
                var loss = ImageClassifier.CrossEntropy(network.Forward(images), labels);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                lossSum += loss.Item();
                batches++;
                if (progress is not null && (batches % 50 == 0 || start + batchSize >= order.Length))
                    progress(epoch + 1, Math.Min(1.0, (double)(start + batchSize) / order.Length), lossSum / batches);
            }
        }
        network.Eval();
        return network;
    }

    /// <summary>Penultimate-layer features of every image of <paramref name="images"/> (N, C·H·W), in batches. (N, 128)</summary>
    public Tensor FeaturesOf(Tensor images, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(images);
        int d = ValuesPerImage;
        if (images.Rank != 2 || images.Dim(1) != d)
            throw new ArgumentException($"The feature classifier judges {ShapeText} images, (N, {d}); got ({string.Join(", ", images.Shape)}).", nameof(images));
        int n = images.Dim(0);
        var features = new float[n * FeatureSize];
        using var _ = GradMode.NoGrad();
        var pool = new BufferPool();
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            using var scope = TensorScope.Begin(pool);
            var batch = Tensor.FromArray(images.Span.Slice(start * d, count * d), count, d);
            Features.Forward(batch).Span.CopyTo(features.AsSpan(start * FeatureSize, count * FeatureSize));
        }
        return Tensor.FromArray(features, n, FeatureSize);
    }

    /// <summary>Features of every image of <paramref name="data"/>. (N, 128)</summary>
    public Tensor FeaturesOf(ImageDataset data)
    {
        RequireShape(data);
        return FeaturesOf(AllImages(data));
    }

    /// <summary>Fraction of <paramref name="data"/> classified correctly.</summary>
    public double Accuracy(ImageDataset data, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(data);
        RequireShape(data);
        using var _ = GradMode.NoGrad();
        int correct = 0;
        foreach (var (start, count) in Evaluator.Ranges(data.Count, batchSize))
        {
            var (images, labels) = data.Batch(Batching.Sequential(start, count));
            var logits = Forward(images).Span;
            for (int b = 0; b < count; b++)
            {
                int best = 0;
                for (int c = 1; c < Classes; c++) if (logits[b * Classes + c] > logits[b * Classes + best]) best = c;
                if (best == labels[b]) correct++;
            }
        }
        return (double)correct / data.Count;
    }

    private void RequireShape(ImageDataset data)
    {
        if (data.Channels != Channels || data.Height != Height || data.Width != Width)
            throw new ArgumentException($"This feature classifier judges {ShapeText} images; the dataset's are {data.ShapeText()}.", nameof(data));
    }

    /// <summary>All images of a dataset as one (N, C·H·W) tensor.</summary>
    public static Tensor AllImages(ImageDataset data)
    {
        var (images, _) = data.Batch(Batching.Sequential(0, data.Count));
        return images;
    }
}
