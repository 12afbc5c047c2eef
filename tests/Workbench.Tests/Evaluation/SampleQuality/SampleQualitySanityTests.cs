using Workbench.Data;
using Workbench.Evaluation.SampleQuality;
using Workbench.Experiments.SampleQuality;
using Workbench.Models;
using Workbench.Tensors;
using Workbench.Training;
using Xunit.Abstractions;

namespace Workbench.Tests.Evaluation.SampleQuality;

/// <summary>
/// The committed feature classifier and the measures built on it, on full Fashion-MNIST (only where Debian's
/// dataset-fashion-mnist is installed). The sanity checks compare 2,000 images a side rather than the
/// experiments' 10,000, to stay fast; the Fréchet distance of a finite sample is biased upwards, more so for fewer images.
/// </summary>
public class SampleQualitySanityTests(ITestOutputHelper output)
{
    private const string DebianDirectory = "/usr/share/datasets/fashion-mnist";
    private const int Count = 2000;

    private static readonly Lazy<(FeatureClassifier Classifier, FeatureClassifierInfo Info)> Committed = new(() =>
        FeatureClassifierStore.TryLoad(Path.Combine(Support.Repository.Root(), "results"), "fashion-mnist", classes: 10)
        ?? throw new InvalidOperationException("results/feature-classifier/fashion-mnist.safetensors is missing"));

    private static ImageDataset Pick(ImageDataset data, int count, ulong seed) => data.Subset(new Rng(seed).Permutation(data.Count)[..count]);

    [Fact]
    public void CommittedClassifier_ClassifiesTheTestSetAsItsRecordSays_AtLeastNinetyPercent()
    {
        if (!Directory.Exists(DebianDirectory)) return;
        var (classifier, info) = Committed.Value;
        double accuracy = classifier.Accuracy(FashionMnist.Load(DebianDirectory, DatasetSplit.Test));
        output.WriteLine($"test accuracy {accuracy:P2} (recorded {info.TestAccuracy:P2})");
        Assert.Equal(info.TestAccuracy, accuracy, 4);
        Assert.True(accuracy >= 0.90, $"test accuracy {accuracy:P2}");
        Assert.Equal((60000, 10000, 1UL), (info.TrainImages, info.TestImages, info.Seed));
    }

    [Fact]
    public void FrechetDistance_RealTrainVsRealTest_IsNearZero_FarBelowNoiseAndBelowAOneEpochVae()
    {
        if (!Directory.Exists(DebianDirectory)) return;
        var classifier = Committed.Value.Classifier;
        var train = FashionMnist.Load(DebianDirectory, DatasetSplit.Train);
        var test = FashionMnist.Load(DebianDirectory, DatasetSplit.Test);
        var real = RealFeatures.Of(classifier, Pick(test, Count, 1), Count);

        var realTrain = SampleQualityMeasurement.Score(classifier, real, FeatureClassifier.AllImages(Pick(train, Count, 2)), 3);
        var noise = SampleQualityMeasurement.Score(classifier, real, Tensor.Uniform(new Rng(3), 0f, 1f, Count, 784), 3);
        // A 784-400-20 VAE after one epoch on all 60,000 training images, sampled from its prior.
        var model = new VaeConfig().Build(new Rng(1));
        new Trainer(model, new TrainingOptions { Epochs = 1, ShowProgress = false }).Fit(train);
        var vae = SampleQualityMeasurement.Score(classifier, real, model.SamplePrior(Count, new Rng(4)), 3);
        output.WriteLine($"real train: {realTrain}\nnoise: {noise}\none-epoch VAE: {vae}");

        Assert.True(realTrain.FrechetDistance < 0.01 * noise.FrechetDistance, $"{realTrain.FrechetDistance} vs noise {noise.FrechetDistance}");
        Assert.True(realTrain.FrechetDistance < 0.1 * vae.FrechetDistance, $"{realTrain.FrechetDistance} vs one-epoch VAE {vae.FrechetDistance}");
        Assert.True(realTrain.Precision > 0.6 && realTrain.Recall > 0.6, realTrain.ToString());
        Assert.True(noise.Recall < 0.01, noise.ToString());
    }
}
