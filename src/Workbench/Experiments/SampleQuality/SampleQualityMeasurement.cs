using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Evaluation.SampleQuality;
using Workbench.Experiments.Definitions;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Experiments.SampleQuality;

/// <summary>Fréchet distance (squared feature units) and precision and recall (fractions) of one way of sampling.</summary>
public sealed record SampleQualityScores(double FrechetDistance, double Precision, double Recall);

/// <summary><c>sample-quality.json</c>: how a run's samples compare with real test images in the feature classifier's space.</summary>
public sealed record SampleQualityResult
{
    public const string FileName = "sample-quality.json";

    /// <summary>Generated images per sampler.</summary>
    public required int Samples { get; init; }
    /// <summary>Real test images compared with them.</summary>
    public required int RealImages { get; init; }
    /// <summary>k of the k-NN balls of precision and recall.</summary>
    public required int Neighbours { get; init; }
    /// <summary>Test accuracy of the feature classifier.</summary>
    public required double ClassifierTestAccuracy { get; init; }
    /// <summary>Samples decoded from z ~ p(z), the model's own prior.</summary>
    public required SampleQualityScores Prior { get; init; }
    /// <summary>Samples decoded from z ~ the ex-post Gaussian mixture on the training set's encoder means; null when skipped.</summary>
    public SampleQualityScores? ExPostMixture { get; init; }
    public int MixtureComponents { get; init; }
}

/// <summary>The real test images' features and their Gaussian fit: computed once, compared with every run's samples.</summary>
public sealed record RealFeatures(Tensor Features, GaussianFit Fit)
{
    private readonly Dictionary<int, float[]> _radii = new();

    /// <summary>Squared distance of each real feature vector to its k-th nearest neighbour, computed once per k.</summary>
    public float[] SquaredRadii(int k)
    {
        if (!_radii.TryGetValue(k, out var radii)) _radii[k] = radii = PrecisionRecall.KthNeighbourSquaredDistances(Features, k);
        return radii;
    }

    /// <summary>Features of the first <paramref name="count"/> images of <paramref name="test"/> (or all).</summary>
    public static RealFeatures Of(FeatureClassifier classifier, ImageDataset test, int count)
    {
        var images = count < test.Count ? test.Subset(Enumerable.Range(0, count).ToArray()) : test;
        var features = classifier.FeaturesOf(images);
        return new RealFeatures(features, GaussianFit.Of(features));
    }
}

/// <summary>
/// Measures the samples of a trained model against real images (Heusel et al. 2017 FID in the feature
/// classifier's space; Kynkäänniemi et al. 2019 precision and recall), for prior sampling and for the
/// ex-post Gaussian mixture of Ghosh et al. (2020). Samples are the decoder means E[x | z].
/// </summary>
public static class SampleQualityMeasurement
{
    private const int Batch = 500;

    /// <summary>Scores prior samples and, unless skipped (or the model is conditional), samples of the ex-post mixture, which is returned too.</summary>
    public static (SampleQualityResult Result, GaussianMixture? Mixture) Measure(VariationalAutoencoder model, ImageDataset train, FeatureClassifier classifier,
        double classifierAccuracy, RealFeatures real, SampleQualitySpec spec, ulong seed)
    {
        var rng = new Rng(seed).Fork(0x5A3917);
        var prior = Score(classifier, real, Generate(model, spec.Samples, (count, _) => model.Prior.Sample(count, rng)), spec.Neighbours);
        SampleQualityScores? expost = null;
        GaussianMixture? mixture = null;
        if (spec.MixtureComponents > 0 && !model.Conditioning.IsConditional)
        {
            mixture = FitExPostMixture(model, train, spec.MixtureComponents, seed);
            expost = Score(classifier, real, Generate(model, spec.Samples, (count, _) => mixture.Sample(count, rng)), spec.Neighbours);
        }
        return (new SampleQualityResult
        {
            Samples = spec.Samples,
            RealImages = real.Features.Dim(0),
            Neighbours = spec.Neighbours,
            ClassifierTestAccuracy = classifierAccuracy,
            Prior = prior,
            ExPostMixture = expost,
            MixtureComponents = expost is null ? 0 : spec.MixtureComponents,
        }, mixture);
    }

    /// <summary>The scores of <paramref name="images"/> (N, D) against the real features.</summary>
    public static SampleQualityScores Score(FeatureClassifier classifier, RealFeatures real, Tensor images, int neighbours)
    {
        var features = classifier.FeaturesOf(images);
        var fd = FrechetDistance.Between(real.Fit, GaussianFit.Of(features));
        var pr = PrecisionRecall.Evaluate(real.Features, real.SquaredRadii(neighbours), features, neighbours);
        return new SampleQualityScores(fd, pr.Precision, pr.Recall);
    }

    /// <summary>
    /// The ex-post density of Ghosh et al. (2020): a Gaussian mixture (diagonal covariances) fitted by EM to
    /// μ(x) of every training image.
    /// </summary>
    public static GaussianMixture FitExPostMixture(VariationalAutoencoder model, ImageDataset train, int components, ulong seed)
    {
        using var _ = GradMode.NoGrad();
        var means = new float[train.Count * model.LatentSize];
        foreach (var (start, count) in Evaluator.Ranges(train.Count, Batch))
        {
            var (images, condition) = Batching.Make(model, train, Batching.Sequential(start, count));
            model.Encode(images, condition).Mean.Span.CopyTo(means.AsSpan(start * model.LatentSize, count * model.LatentSize));
        }
        return GaussianMixture.Fit(Tensor.FromArray(means, train.Count, model.LatentSize), components, seed);
    }

    /// <summary><paramref name="count"/> images E[x | z] decoded in batches from latents drawn by <paramref name="draw"/>(batch size, batch start). (count, D)</summary>
    public static Tensor Generate(VariationalAutoencoder model, int count, Func<int, int, Tensor> draw)
    {
        using var _ = GradMode.NoGrad();
        var images = new float[count * model.Pixels];
        for (int start = 0; start < count; start += Batch)
        {
            int n = Math.Min(Batch, count - start);
            var z = draw(n, start);
            var condition = model.Conditioning.IsConditional ? model.Conditioning.Cycling(n) : null;
            model.DecodeMean(z, condition).Span.CopyTo(images.AsSpan(start * model.Pixels, n * model.Pixels));
        }
        return Tensor.FromArray(images, count, model.Pixels);
    }
}
