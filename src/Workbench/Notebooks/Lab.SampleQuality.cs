using Workbench.Data;
using Workbench.Display;
using Workbench.Evaluation.SampleQuality;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Figures;
using Workbench.Experiments.SampleQuality;
using Workbench.Plotting.Imaging;
using Workbench.Tensors;

namespace Workbench.Notebooks;

// Sample quality: Fréchet distance, precision and recall in a classifier's feature space, and the ex-post mixture.
public static partial class Lab
{
    private static (FeatureClassifier Classifier, FeatureClassifierInfo Info)? _featureClassifier;

    /// <summary>
    /// The Fashion-MNIST feature classifier of the sample-quality measures: the one under the results folder, else the
    /// repository's committed <c>results/feature-classifier/fashion-mnist.safetensors</c>; trained on first use (on all
    /// 60,000 training images, a few minutes, with progress) when neither exists.
    /// </summary>
    public static (FeatureClassifier Classifier, FeatureClassifierInfo Info) FeatureClassifier()
    {
        if (_featureClassifier is { } loaded) return loaded;
        const string dataset = "fashion-mnist";
        foreach (var root in new[] { ResultsRoot, RepositoryResults() }.OfType<string>())
            if (FeatureClassifierStore.TryLoad(root, dataset, FashionMnist.ClassNames.Count) is { } stored)
                return (_featureClassifier = stored).Value;
        var train = FashionMnist.Load(null, DatasetSplit.Train);
        var test = FashionMnist.Load(null, DatasetSplit.Test);
        return (_featureClassifier = FeatureClassifierStore.LoadOrTrain(ResultsRoot, dataset, train, test, Console.Out)).Value;
    }

    /// <summary>
    /// Fréchet distance, precision and recall (k = <paramref name="neighbours"/>) of <paramref name="samples"/> samples of each run
    /// against as many test images (at most all of <paramref name="test"/>): one row for prior sampling and, with
    /// <paramref name="mixtureComponents"/> &gt; 0, one for the ex-post mixture fitted to μ(x) of <paramref name="train"/>.
    /// </summary>
    public static HtmlTable SampleQuality(IEnumerable<LabRun> runs, ImageDataset train, ImageDataset test, int samples = 1000, int mixtureComponents = 10,
        int neighbours = 3, ulong seed = 1)
    {
        var spec = new SampleQualitySpec { Samples = samples, Neighbours = neighbours, MixtureComponents = mixtureComponents };
        if (spec.Problem() is var (field, problem)) throw new ArgumentOutOfRangeException(field, $"{field} {problem}.");
        var (classifier, info) = FeatureClassifier();
        var real = RealFeatures.Of(classifier, test, samples);
        var table = new HtmlTable(["samples", "Fréchet distance", "precision", "recall"],
            $"{samples} samples against {real.Features.Dim(0)} test images, features of a classifier with {info.TestAccuracy:P1} test accuracy");
        foreach (var run in runs)
        {
            var (result, _) = SampleQualityMeasurement.Measure(run.Model, train, classifier, info.TestAccuracy, real, spec, seed);
            table.AddRow($"{run.Name}: prior", result.Prior.FrechetDistance, result.Prior.Precision, result.Prior.Recall);
            if (result.ExPostMixture is { } expost)
                table.AddRow($"{run.Name}: ex-post mixture", expost.FrechetDistance, expost.Precision, expost.Recall);
        }
        return table;
    }

    /// <summary>Images decoded from z drawn from a <paramref name="components"/>-component Gaussian mixture fitted to μ(x) of <paramref name="train"/> (Ghosh et al. 2020).</summary>
    public static ImageGrid ExPostMixtureSamples(LabRun run, ImageDataset train, int components = 10, int count = 16, ulong seed = 3, int columns = 4)
    {
        var mixture = SampleQualityMeasurement.FitExPostMixture(run.Model, train, components, seed);
        var rng = new Rng(seed);
        return PictureGrids.Grid(run.Model, SampleQualityMeasurement.Generate(run.Model, count, (n, _) => mixture.Sample(n, rng)), columns);
    }

    /// <summary>results/ of the repository holding the working directory, or null outside one.</summary>
    private static string? RepositoryResults()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Workbench.sln"))) return Path.Combine(directory.FullName, "results");
        return null;
    }
}
