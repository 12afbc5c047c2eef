using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Workbench.Data;
using Workbench.Experiments.Composed;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Figures;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.Models;
using Workbench.Models.Priors;
using Workbench.Notebooks;
using Workbench.Optim;
using Workbench.Tensors;
using Workbench.Tests.Cli;
using Workbench.Tests.Models.OpenApi;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Notebooks;

/// <summary>
/// A model composed in code is identified by everything that decides how it trains — its parts' types, code and
/// settings, its initial parameters and its optimizer — so a changed model is never taken for a finished run of another.
/// </summary>
[Collection(nameof(LabRunLoggingTests))] // Lab's results root is process-wide
public class ComposedRunIdentityTests
{
    private static TrainingOptions Options(int batchSize = 50) => new() { Epochs = 1, BatchSize = batchSize, Seed = 3 };

    private static readonly ImageDataset Train = TestData.Synthetic(1, 200, 2, 3);
    private static readonly ImageDataset Test = TestData.Synthetic(2, 50, 2, 3);

    private static VariationalAutoencoder WithScale(float scale, ulong seed = 12) => CustomPriorTests.TwoDimensional(new ScaledNormalPrior(2, scale), seed: seed);

    private static (LabRun Run, string Output) TrainCapturingOutput(VariationalAutoencoder model, string name, Optimizer? optimizer = null)
    {
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        try { return (Lab.Train(model, Options(), Train, Test, name: name, optimizer: optimizer), output.ToString()); }
        finally { Console.SetOut(previous); }
    }

    [Fact]
    public void Train_CustomPriorScaleChanged_TrainsAgainInsteadOfReusingTheOldNumbers()
    {
        using var dir = new TempDirectory();
        Lab.LogRunsTo("composed-scale", dir.Path);

        var first = Lab.Train(WithScale(1f), Options(), Train, Test, name: "scaled");
        var (same, sameOutput) = TrainCapturingOutput(WithScale(1f), "scaled");
        var (changed, changedOutput) = TrainCapturingOutput(WithScale(3f), "scaled");

        Assert.Contains("reusing the run finished earlier", sameOutput); // the same model, built again, is the same run
        Assert.Equal(first.Test!.NegativeElbo, same.Test!.NegativeElbo);
        Assert.DoesNotContain("reusing", changedOutput);
        Assert.Contains("configuration changed", changedOutput);
        Assert.Contains("model.parts.prior.settings._scale: 1 → 3", changedOutput);
        Assert.NotEqual(first.Test.NegativeElbo, changed.Test!.NegativeElbo);
        Assert.True(Directory.Exists(Path.Combine(dir.Path, "composed-scale", ".stale")));
    }

    [Fact]
    public void RunOne_CustomPriorScaleChangedWithoutRerunChanged_IsRefusedNamingTheScaleAndTheWayForward()
    {
        using var dir = new TempDirectory();
        var runner = new ExperimentRunner(new RunnerOptions { ResultsRoot = dir.Path, ShowProgress = false, Log = TextWriter.Null });
        var (data, definition) = InMemoryExperiment();
        runner.ProvideData(data, Train, Test);
        RunSpec Run(float scale) => new("scaled", new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(), definition,
            (System.Text.Json.Nodes.JsonObject)System.Text.Json.JsonSerializer.SerializeToNode(definition, ExperimentJson.Options)!)
        { Composed = new ComposedModel(WithScale(scale)) };

        Assert.NotNull(runner.RunOne("composed", Run(1f), new FigureFiles(null)));
        var error = Assert.Throws<RunConfigurationChangedException>(() => runner.RunOne("composed", Run(2f), new FigureFiles(null)));

        Assert.True(error.Message.Contains("model.parts.prior.settings._scale: 1 → 2"), error.Message);
        Assert.Contains("--rerun-changed", error.Message);
        Assert.Null(runner.RunOne("composed", Run(1f), new FigureFiles(null))); // the recorded model itself is still reused
    }

    [Fact]
    public void Identity_SameClassCompiledWithAnotherMethodBody_DiffersInThePriorsCode()
    {
        const string template = """
            using System;
            using Workbench.Models.Priors;
            using Workbench.Tensors;
            public sealed class EditedPrior(int latentSize, float scale) : Prior
            {
                private readonly float _scale = scale;
                public override Tensor LogDensity(Tensor z) => (z / _scale).Square().Sum(1) * -0.5f - LATENT_TERM;
                public override Tensor Sample(int count, Rng rng) => Tensor.Randn(rng, count, latentSize) * _scale;
            }
            """;
        string original = template.Replace("LATENT_TERM", "latentSize * MathF.Log(_scale)");
        string edited = template.Replace("LATENT_TERM", "latentSize * (MathF.Log(_scale) + 0.9189385f)");
        RunIdentity Identity(string source, string cell)
        {
            var prior = (Prior)Activator.CreateInstance(Compile(source, cell).GetType("EditedPrior")!, 2, 1.5f)!;
            return RunIdentity.Of(new ExperimentDefinition { Name = "x" }, new ComposedModel(CustomPriorTests.TwoDimensional(prior)));
        }

        var first = Identity(original, "cell1");
        var recompiled = Identity(original, "cell2"); // a notebook cell executed again compiles into a new assembly
        var changed = Identity(edited, "cell3");

        Assert.Equal(first.Hash, recompiled.Hash);
        var line = Assert.Single(first.Differences(changed));
        Assert.StartsWith("model.parts.prior.code: ", line);
    }

    [Fact]
    public void Identity_SameClassWithAnotherLambda_DiffersInThePriorsCode()
    {
        const string template = """
            using System;
            using Workbench.Models.Priors;
            using Workbench.Tensors;
            public sealed class LambdaPrior(int latentSize) : Prior
            {
                public override Tensor LogDensity(Tensor z) => Apply(z, t => t.Square().Sum(1) * FACTOR);
                public override Tensor Sample(int count, Rng rng) => Tensor.Randn(rng, count, latentSize);
                private static Tensor Apply(Tensor z, System.Func<Tensor, Tensor> density) => density(z);
            }
            """;
        RunIdentity Identity(string factor, string cell)
        {
            var prior = (Prior)Activator.CreateInstance(Compile(template.Replace("FACTOR", factor), cell).GetType("LambdaPrior")!, 2)!;
            return RunIdentity.Of(new ExperimentDefinition { Name = "x" }, new ComposedModel(CustomPriorTests.TwoDimensional(prior)));
        }

        var line = Assert.Single(Identity("-0.5f", "lambda1").Differences(Identity("-0.25f", "lambda2")));

        Assert.StartsWith("model.parts.prior.code: ", line);
    }

    [Fact]
    public void Identity_OptimizerSettingsAndInitialParameters_AreEachPartOfIt()
    {
        var definition = new ExperimentDefinition { Name = "x" };
        RunIdentity Identity(ulong seed, float learningRate)
        {
            var model = WithScale(1f, seed);
            return RunIdentity.Of(definition, new ComposedModel(model, new Sgd(model.Parameters(), learningRate, momentum: 0.9f)));
        }

        var baseline = Identity(12, 0.05f);

        Assert.Equal(baseline.Hash, Identity(12, 0.05f).Hash);
        Assert.Contains(baseline.Differences(Identity(12, 0.1f)), d => d.StartsWith("model.optimizerSettings.") && d.Contains("LearningRate") && d.Contains("0.1"));
        Assert.Equal(["model.initialParameters"], baseline.Differences(Identity(13, 0.05f)).Select(d => d[..d.IndexOf(':')]));
        Assert.Equal("Sgd", baseline.Configuration["model"]!["optimizer"]!.GetValue<string>());
    }

    [Fact]
    public void OpenRun_ComposedModelTrainedWithBatchSize100_RestoresItsTrainingOptions()
    {
        using var dir = new TempDirectory();
        Lab.LogRunsTo("composed-open", dir.Path);
        var options = Options(batchSize: 100) with { LearningRate = 2e-3f, ValidationFraction = 0.1 };
        var trained = Lab.Train(WithScale(1f), options, Train, Test, name: "scaled");

        var opened = Lab.OpenRun(trained.Folder!, WithScale(1f));

        Assert.Equal(100, opened.Options.BatchSize);
        Assert.Equal(2e-3f, opened.Options.LearningRate);
        Assert.Equal(0.1, opened.Options.ValidationFraction);
        Assert.Equal(options, opened.Options with { ShowProgress = options.ShowProgress }); // all but the display flag
        var error = Assert.Throws<InvalidDataException>(() => TrainedRun.Load(trained.Folder!)); // its files alone cannot rebuild it
        Assert.Contains("Lab.OpenRun(folder, model)", error.Message);
    }

    [Fact]
    public void Report_ExperimentWithARunBuiltInCode_WritesTheReport()
    {
        using var dir = new TempDirectory();
        Lab.LogRunsTo("mixed", dir.Path);
        var (train, test) = Lab.LoadFashionMnistSubset(100, 50);
        Lab.Train(new VaeConfig { HiddenSizes = [16], LatentSize = 2 }, Options(), train, test, name: "configured");
        Lab.Train(ComposedOnImages(), Options(), train, test, name: "composed");
        var experiment = Path.Combine(dir.Path, "mixed");
        File.Delete(Path.Combine(experiment, ExperimentReport.FileName));

        var (exitCode, output, error) = CliRunner.Invoke("report", experiment, "--no-png");

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("latent scatter of composed skipped: its model was composed in code", output);
        var report = File.ReadAllText(Path.Combine(experiment, ExperimentReport.FileName));
        Assert.Contains("composed", report);
        Assert.Contains("configured", report);
    }

    /// <summary>A composed model on 28 × 28 images with a prior of its own (its objective differs from the configured run's).</summary>
    private static VariationalAutoencoder ComposedOnImages()
    {
        var rng = new Rng(5);
        var encoder = new Workbench.Models.Parts.GaussianEncoder(new Workbench.NN.Sequential(new Workbench.NN.Linear(784, 16, rng), new Workbench.NN.ReLU()),
            features: 16, latentSize: 2, conditionSize: 0, rng);
        var decoder = new Workbench.Models.Parts.ConcatDecoder(new Workbench.NN.Sequential(new Workbench.NN.Linear(2, 16, rng), new Workbench.NN.ReLU(), new Workbench.NN.Linear(16, 784, rng)));
        return new VariationalAutoencoder(encoder, decoder, latentSize: 2, prior: new ScaledNormalPrior(2, 2f),
            objective: new Workbench.Models.Objectives.ElboObjective(new Workbench.Models.Kl.WeightedKl(new Workbench.Models.Kl.ConstantKlWeight(0.5f))));
    }

    private static (DataSpec Data, ExperimentDefinition Definition) InMemoryExperiment()
    {
        var data = new DataSpec { Dataset = "in-memory", TrainLimit = Train.Count, TestLimit = Test.Count, Fingerprint = "synthetic-1-2" };
        return (data, new ExperimentDefinition
        {
            Name = "composed", Data = data, Training = Options() with { ShowProgress = false },
            Evaluation = new EvaluationSpec { ImportanceSamples = 0, Images = false },
        });
    }

    /// <summary>Compiles <paramref name="source"/> into an assembly of its own, as a notebook compiles a cell.</summary>
    private static Assembly Compile(string source, string assemblyName)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Prior).Assembly.Location).Distinct().Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(assemblyName, [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, deterministic: true));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return Assembly.Load(image.ToArray());
    }
}

/// <summary>p(z) = N(0, scale² I), whose scale its printout does not show (ExtraRepr is not overridden).</summary>
internal sealed class ScaledNormalPrior(int latentSize, float scale) : Prior
{
    private readonly float _scale = scale;

    /// <summary>−½ Σ_d ((z_d / s)² + log 2π) − latent · log s.</summary>
    public override Tensor LogDensity(Tensor z) =>
        (z / _scale).Square().Sum(1) * -0.5f - latentSize * (MathF.Log(_scale) + 0.5f * MathF.Log(2 * MathF.PI));

    public override Tensor Sample(int count, Rng rng) => Tensor.Randn(rng, count, latentSize) * _scale;
}
