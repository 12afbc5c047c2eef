using Workbench.Data;
using Workbench.NN;
using Workbench.Optim;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>
/// A small image classifier used as a judge of generated images: softmax regression
/// (<c>hiddenSize</c> = 0) or an MLP with one ReLU hidden layer, trained with Adam on the
/// cross-entropy of real labelled images. (B, H·W) pixels → (B, classes) logits.
/// </summary>
public sealed class ImageClassifier
{
    private readonly Module<Tensor, Tensor> _network;

    private ImageClassifier(Module<Tensor, Tensor> network, int pixels, IReadOnlyList<string> classNames)
    {
        _network = network;
        ValuesPerImage = pixels;
        ClassNames = classNames;
    }

    /// <summary>Pixels per image the classifier expects.</summary>
    public int ValuesPerImage { get; }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public int Classes => ClassNames.Count;

    /// <summary>
    /// Trains a classifier on <paramref name="data"/>: <paramref name="epochs"/> passes in shuffled
    /// minibatches, seeded (same seed, same classifier).
    /// </summary>
    /// <param name="hiddenSize">Width of the hidden layer; 0 for softmax regression.</param>
    public static ImageClassifier Train(ImageDataset data, int hiddenSize = 128, int epochs = 3, int batchSize = 128,
        float learningRate = 1e-3f, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException("Cannot train a classifier on an empty dataset.", nameof(data));
        if (hiddenSize < 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, "The hidden width must be 0 (softmax regression) or positive.");
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Train for at least one epoch.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");

        var rng = new Rng(seed);
        int classes = data.ClassNames.Count;
        Module<Tensor, Tensor> network = hiddenSize == 0
            ? new Linear(data.ValuesPerImage, classes, rng)
            : new Sequential(new Linear(data.ValuesPerImage, hiddenSize, rng), new ReLU(), new Linear(hiddenSize, classes, rng));
        var classifier = new ImageClassifier(network, data.ValuesPerImage, data.ClassNames);
        var optimizer = new Adam(network.Parameters(), learningRate);
        var pool = new BufferPool();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var order = rng.Permutation(data.Count);
            for (int start = 0; start < order.Length; start += batchSize)
            {
                using var scope = TensorScope.Begin(pool);
                var (images, labels) = data.Batch(order.AsSpan(start, Math.Min(batchSize, order.Length - start)));
                var loss = CrossEntropy(network.Forward(images), labels);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
            }
        }
        network.Eval();
        return classifier;
    }

    /// <summary>
    /// Mean cross-entropy of softmax(<paramref name="logits"/>) against integer labels, in nats:
    /// (1/B) Σ_b [log Σ_c exp(l_bc) − l_b,y_b], composed of <see cref="Tensor.LogSumExp"/> and a
    /// one-hot product so autograd supplies the gradient softmax(l) − onehot(y).
    /// </summary>
    /// <param name="logits">(B, classes).</param>
    /// <param name="labels">(B) class indices in [0, classes).</param>
    public static Tensor CrossEntropy(Tensor logits, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Rank != 2) throw new ArgumentException($"CrossEntropy: logits must be (B, classes), got rank {logits.Rank}.", nameof(logits));
        if (labels.Length != logits.Dim(0)) throw new ArgumentException($"CrossEntropy: {labels.Length} labels for {logits.Dim(0)} rows of logits.", nameof(labels));
        var oneHot = ImageDataset.OneHot(labels, logits.Dim(1));     // (B, classes)
        var chosen = (logits * oneHot).Sum(1);                        // (B): l_b,y_b
        return (logits.LogSumExp(1) - chosen).Mean();
    }

    /// <summary>Class scores for a batch: (B, H·W) → (B, classes) logits.</summary>
    public Tensor Logits(Tensor images)
    {
        if (images.Rank != 2 || images.Dim(1) != ValuesPerImage)
            throw new ArgumentException($"The classifier expects (B, {ValuesPerImage}) images, got ({string.Join(", ", images.Shape)}).", nameof(images));
        using var _ = GradMode.NoGrad();
        return _network.Forward(images);
    }

    /// <summary>The most likely class of each image. (B, H·W) → B labels.</summary>
    public int[] Predict(Tensor images)
    {
        var logits = Logits(images).Span;
        int batch = images.Dim(0), classes = Classes;
        var predicted = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (logits[b * classes + c] > logits[b * classes + best]) best = c;
            predicted[b] = best;
        }
        return predicted;
    }

    /// <summary>Fraction of <paramref name="data"/> classified correctly.</summary>
    public double Accuracy(ImageDataset data, int batchSize = 500)
    {
        if (data.Count == 0) throw new ArgumentException("Cannot measure accuracy on an empty dataset.", nameof(data));
        int correct = 0;
        foreach (var (start, count) in Evaluator.Ranges(data.Count, batchSize))
        {
            var (images, labels) = data.Batch(Batching.Sequential(start, count));
            var predicted = Predict(images);
            for (int i = 0; i < count; i++) if (predicted[i] == labels[i]) correct++;
        }
        return (double)correct / data.Count;
    }
}
