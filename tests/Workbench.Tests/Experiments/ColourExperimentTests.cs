using System.Text.Json.Nodes;
using Workbench.Data;
using Workbench.Evaluation.SampleQuality;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.SampleQuality;
using Workbench.Models;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>
/// Colour at the experiment level: a model's channels checked against the data before anything is written, one
/// sample-quality judge per dataset and image shape, and every committed run's identity unchanged by the new field.
/// </summary>
public class ColourExperimentTests
{
    private static RunSpec Run(DataSpec data, VaeConfig model) =>
        new("default", new Dictionary<string, JsonNode?>(), new ExperimentDefinition { Name = "c", Data = data, Model = model }, new JsonObject());

    [Fact]
    public void RunnerCheck_GreyscaleModelOnColourSprites_NamesTheChannelsAndTheFieldBeforeAnyFolder()
    {
        using var dir = new TempDirectory();
        var run = Run(new DataSpec { Dataset = "sprites-colour", TrainLimit = 20, TestLimit = 10 }, new BetaVaeConfig { HiddenSizes = [8], LatentSize = 2 });
        var runner = new Workbench.Experiments.Running.ExperimentRunner(new() { ResultsRoot = dir.File("results"), Log = TextWriter.Null });
        var error = Assert.Throws<DataFileException>(() => runner.Check("colour.json", [run]));
        Assert.Equal("dataset 'sprites-colour': the train images have 3 channels (RGB) but the model expects 1 channel (greyscale) " +
                     "(model.imageChannels in colour.json; set it to 3)", error.Message);
        Assert.False(Directory.Exists(dir.File("results")));
    }

    [Fact]
    public void RunnerCheck_ColourModelOnColourSprites_Passes()
    {
        using var dir = new TempDirectory();
        var run = Run(new DataSpec { Dataset = "sprites-colour", TrainLimit = 20, TestLimit = 10 }, new BetaVaeConfig { ImageChannels = 3, HiddenSizes = [8], LatentSize = 2 });
        new Workbench.Experiments.Running.ExperimentRunner(new() { ResultsRoot = dir.File("results"), Log = TextWriter.Null }).Check("colour.json", [run]);
    }

    [Fact]
    public void FeatureClassifier_ColourImages_TrainsOnThemAndJudgesOnlyTheirShape()
    {
        var sprites = Sprites.Sample(240, seed: 4, new SpritesOptions(ImageSize: 12, Colours: 6, MaxRadius: 0.3));
        var classifier = FeatureClassifier.Train(sprites.Images, epochs: 2, batchSize: 32, seed: 1);
        Assert.Equal((3, 12, 12), (classifier.Channels, classifier.Height, classifier.Width));
        Assert.Equal([16, 3, 5, 5], classifier.Features.Parameters().First().Shape);
        Assert.Equal([240, FeatureClassifier.FeatureSize], classifier.FeaturesOf(sprites.Images).Shape);
        Assert.InRange(classifier.Accuracy(sprites.Images), 0, 1);
        // Seeded: the same data and seed give the same judge.
        var again = FeatureClassifier.Train(sprites.Images, epochs: 2, batchSize: 32, seed: 1);
        Assert.Equal(classifier.FeaturesOf(sprites.Images).ToArray(), again.FeaturesOf(sprites.Images).ToArray());
        var greyscale = Sprites.Sample(4, seed: 4, new SpritesOptions(ImageSize: 12, MaxRadius: 0.3)).Images;
        var error = Assert.Throws<ArgumentException>(() => classifier.FeaturesOf(greyscale));
        Assert.Contains("judges 3×12×12 images; the dataset's are 12×12", error.Message);
    }

    [Fact]
    public void FrechetDistance_ColourFeatures_IsZeroForTheSameImagesAndSmallerForAnotherDrawThanForNoise()
    {
        var options = new SpritesOptions(ImageSize: 12, Colours: 6, MaxRadius: 0.3);
        var classifier = FeatureClassifier.Train(Sprites.Sample(300, seed: 5, options).Images, epochs: 3, batchSize: 50, seed: 1);
        var real = GaussianFit.Of(classifier.FeaturesOf(Sprites.Sample(300, seed: 6, options).Images));
        var anotherDraw = GaussianFit.Of(classifier.FeaturesOf(Sprites.Sample(300, seed: 8, options).Images));
        var noise = GaussianFit.Of(classifier.FeaturesOf(Tensor.Uniform(new Rng(7), 0f, 1f, 300, 3 * 12 * 12)));
        double same = FrechetDistance.Between(real, real), draw = FrechetDistance.Between(real, anotherDraw), other = FrechetDistance.Between(real, noise);
        Assert.True(Math.Abs(same) < 1e-3, $"same images: {same}");
        Assert.True(draw < other, $"another draw of sprites {draw}, noise {other}");
    }

    [Fact]
    public void MaskedSquare_ColourImages_MasksTheSameSquareInEveryChannel()
    {
        var images = Tensor.Full(1f, 2, 3 * 6 * 6);
        var masked = new Workbench.Evaluation.MaskedSquare(2).Apply(images, 6, 6, seed: 3, channels: 3).ToArray();
        for (int n = 0; n < 2; n++)
        {
            var planes = Enumerable.Range(0, 3).Select(c => masked.Skip((n * 3 + c) * 36).Take(36).ToArray()).ToArray();
            Assert.Equal(4, planes[0].Count(v => v == 0f));
            Assert.Equal(planes[0], planes[1]);
            Assert.Equal(planes[0], planes[2]);
        }
        // One channel: the same squares as before colour (the generator draws the same positions).
        var grey = new Workbench.Evaluation.MaskedSquare(2).Apply(Tensor.Full(1f, 2, 36), 6, 6, seed: 3).ToArray();
        Assert.Equal(masked.Take(36), grey.Take(36));
    }

    [Fact]
    public void FeatureClassifierStore_Key_KeepsGreyscale28PixelNamesAndAddsOtherShapes()
    {
        Assert.Equal("fashion-mnist", FeatureClassifierStore.Key("fashion-mnist", 1, 28, 28));
        Assert.Equal("sprites-colour-3x28x28", FeatureClassifierStore.Key("sprites-colour", 3, 28, 28));
        Assert.Equal("mine-1x32x32", FeatureClassifierStore.Key("mine", 1, 32, 32));
    }

    [Fact]
    public void CommittedRunIdentities_AreThoseTheirExperimentFilesGiveToday()
    {
        // Every committed identity.json records the hash of the run's resolved configuration; one-channel models leave
        // imageChannels out of it, so each is still the hash its experiment file resolves to (and the run is not retrained).
        var root = Support.Repository.Root();
        int checkedRuns = 0, sameHash = 0;
        var mismatches = new List<string>();
        foreach (var identityFile in Directory.GetFiles(Path.Combine(root, "results"), RunIdentity.FileName, SearchOption.AllDirectories))
        {
            var runFolder = Path.GetDirectoryName(identityFile)!;
            var experiment = Path.GetFileName(Path.GetDirectoryName(runFolder)!);
            var experimentFile = Path.Combine(root, "experiments", experiment + ".json");
            if (!File.Exists(experimentFile)) continue;
            var run = ExperimentLoader.Expand(experimentFile).Runs.SingleOrDefault(r => r.Id == Path.GetFileName(runFolder));
            if (run is null) continue;
            var stored = RunIdentity.Read(runFolder)!;
            var today = RunIdentity.Of(run);
            // The check the runner makes before skipping a finished run: no field both record differs.
            if (!stored.SameRunAs(today)) mismatches.Add($"{runFolder}: {string.Join("; ", stored.Differences(today))}");
            if (run.Definition.Model.ImageChannels == 1 && today.Configuration["model"]!.AsObject().ContainsKey("imageChannels")) mismatches.Add($"{runFolder}: imageChannels in a one-channel identity");
            if (stored.Hash == today.Hash) sameHash++;
            checkedRuns++;
        }
        Assert.Empty(mismatches);
        // Runs whose committed identity was written with today's fields keep their very hash.
        Assert.True(sameHash >= 7, $"only {sameHash} of {checkedRuns} committed identities keep their hash");
        Assert.True(checkedRuns >= 10, $"only {checkedRuns} committed identities found");
    }
}
