using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Evaluation.SampleQuality;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.SampleQuality;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Experiments.Running;

/// <summary>
/// What an experiment runner needs to judge samples: the stored feature classifier of each dataset (trained on
/// first use) and the real test images' features, each computed once and shared by the runs.
/// </summary>
public sealed class SampleQualityJudge(string resultsRoot, TextWriter log)
{
    private readonly Dictionary<string, (FeatureClassifier Classifier, FeatureClassifierInfo Info)> _classifiers = new();
    private readonly Dictionary<string, RealFeatures> _real = new();

    public const string ExPostSamplesImage = "samples-ex-post-mixture";

    /// <summary>
    /// Measures <paramref name="model"/>'s samples, writes <c>sample-quality.json</c> and, with <paramref name="images"/>,
    /// a grid of 64 samples of the ex-post mixture beside the run's prior samples.
    /// </summary>
    public SampleQualityResult Measure(VariationalAutoencoder model, DataSpec data, string dataKey, ImageDataset train, ImageDataset test,
        SampleQualitySpec spec, ulong seed, RunFolder folder, bool images)
    {
        // One judge per dataset and image shape (a colour dataset's judge reads colour images).
        var judge = FeatureClassifierStore.Key(data.Dataset, train.Channels, train.Height, train.Width);
        if (!_classifiers.TryGetValue(judge, out var stored))
            _classifiers[judge] = stored = FeatureClassifierStore.LoadOrTrain(resultsRoot, data.Dataset, train, test, log);
        var realKey = $"{dataKey}|{spec.Samples}";
        if (!_real.TryGetValue(realKey, out var real)) _real[realKey] = real = RealFeatures.Of(stored.Classifier, test, spec.Samples);
        var (result, mixture) = SampleQualityMeasurement.Measure(model, train, stored.Classifier, stored.Info.TestAccuracy, real, spec, seed);
        folder.WriteJson(SampleQualityResult.FileName, result);
        if (images && mixture is not null)
        {
            var samples = SampleQualityMeasurement.Generate(model, 64, (count, _) => mixture.Sample(count, new Rng(seed)));
            FigureFiles.Save(PictureGrids.Grid(model, samples, 8), folder.ImagesDirectory, ExPostSamplesImage);
        }
        return result;
    }
}
