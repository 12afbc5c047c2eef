using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Workbench.Data;
using Workbench.Evaluation.SampleQuality;
using Workbench.Experiments.Definitions;
using Workbench.IO;

namespace Workbench.Experiments.SampleQuality;

/// <summary>What <c>&lt;dataset&gt;.json</c> beside a stored feature classifier records: how it was trained and how well it classifies.</summary>
public sealed record FeatureClassifierInfo(string Dataset, int TrainImages, int TestImages, int Epochs, int BatchSize, double LearningRate, ulong Seed,
    double TestAccuracy, double TrainSeconds, DateTimeOffset Trained);

/// <summary>
/// The feature classifiers of the sample-quality measures, one per dataset, in
/// <c>&lt;results&gt;/feature-classifier/&lt;dataset&gt;.safetensors</c> with its record in <c>&lt;dataset&gt;.json</c>
/// (named by <see cref="Key"/>, which adds the image shape when it is not 28 × 28 greyscale: one judge per dataset and shape).
/// A classifier is trained once with a fixed seed on the dataset's training images, on first use, and
/// reused by every later run; the Fashion-MNIST one is committed with the repository.
/// </summary>
public static class FeatureClassifierStore
{
    public const string FolderName = "feature-classifier";
    public const int Epochs = 8, BatchSize = 128;
    public const double LearningRate = 1e-3;
    public const ulong Seed = 1;

    /// <summary>
    /// The name a judge is stored under: the dataset's name for 28 × 28 greyscale images (as the committed Fashion-MNIST
    /// judge), else the name and the shape, "sprites-colour-3x28x28".
    /// </summary>
    public static string Key(string dataset, int channels, int height, int width) =>
        channels == 1 && height == FeatureClassifier.Side && width == FeatureClassifier.Side ? dataset : $"{dataset}-{channels}x{height}x{width}";

    public static string WeightsPath(string resultsRoot, string dataset) => Path.Combine(resultsRoot, FolderName, dataset + ".safetensors");
    public static string InfoPath(string resultsRoot, string dataset) => Path.Combine(resultsRoot, FolderName, dataset + ".json");

    /// <summary>The stored classifier of <paramref name="dataset"/>, or null when there is none yet.</summary>
    /// <exception cref="InvalidDataException">The stored files are corrupt or do not fit the network.</exception>
    public static (FeatureClassifier Classifier, FeatureClassifierInfo Info)? TryLoad(string resultsRoot, string dataset, int classes,
        int channels = 1, int height = FeatureClassifier.Side, int width = FeatureClassifier.Side)
    {
        dataset = Key(dataset, channels, height, width);
        string weights = WeightsPath(resultsRoot, dataset), infoPath = InfoPath(resultsRoot, dataset);
        if (!File.Exists(weights) || !File.Exists(infoPath)) return null;
        FeatureClassifierInfo info;
        try
        {
            info = JsonSerializer.Deserialize<FeatureClassifierInfo>(File.ReadAllText(infoPath), ExperimentJson.Options)
                   ?? throw new InvalidDataException($"'{infoPath}' holds no classifier record.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{infoPath}' is not a feature-classifier record: {e.Message}", e);
        }
        var classifier = new FeatureClassifier(classes, new Tensors.Rng(Seed), channels, height, width);
        classifier.LoadParameters(weights);
        classifier.Eval();
        return (classifier, info);
    }

    /// <summary>
    /// The stored classifier of <paramref name="dataset"/>; on first use trains it on <paramref name="train"/>
    /// (saying so on <paramref name="log"/>, with progress), measures it on <paramref name="test"/> and stores both files atomically.
    /// </summary>
    public static (FeatureClassifier Classifier, FeatureClassifierInfo Info) LoadOrTrain(string resultsRoot, string dataset, ImageDataset train, ImageDataset test, TextWriter log)
    {
        if (TryLoad(resultsRoot, dataset, train.ClassNames.Count, train.Channels, train.Height, train.Width) is { } stored) return stored;
        var key = Key(dataset, train.Channels, train.Height, train.Width);
        var weights = WeightsPath(resultsRoot, key);
        log.WriteLine($"Training the feature classifier for {dataset} (first use; {Epochs} epochs on {train.Count} images, seed {Seed}) → {weights}");
        var clock = Stopwatch.StartNew();
        int lastPercent = -1;
        var classifier = FeatureClassifier.Train(train, Epochs, BatchSize, (float)LearningRate, Seed, (epoch, fraction, loss) =>
        {
            int percent = (int)(fraction * 100);
            if (percent / 25 == lastPercent / 25 && percent < 100) return;
            lastPercent = percent;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  feature classifier: epoch {epoch}/{Epochs} {percent,3}%, cross-entropy {loss:F3}, {clock.Elapsed.TotalSeconds:F0} s"));
            if (percent >= 100) lastPercent = -1;
        });
        double seconds = clock.Elapsed.TotalSeconds;
        double accuracy = classifier.Accuracy(test);
        var info = new FeatureClassifierInfo(dataset, train.Count, test.Count, Epochs, BatchSize, LearningRate, Seed, accuracy, Math.Round(seconds, 1), DateTimeOffset.UtcNow);
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        classifier.SaveParameters(weights, new Dictionary<string, string> { ["dataset"] = dataset, ["testAccuracy"] = accuracy.ToString("R", CultureInfo.InvariantCulture) });
        AtomicFile.WriteAllText(InfoPath(resultsRoot, key), JsonSerializer.Serialize(info, ExperimentJson.Options) + "\n");
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  feature classifier: test accuracy {accuracy:P2}, trained in {seconds:F0} s"));
        return (classifier, info);
    }
}
