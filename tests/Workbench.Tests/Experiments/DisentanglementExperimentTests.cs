using System.Text.Json;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Figures;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.Notebooks;
using Workbench.Tests.Cli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>β-VAE and β-TCVAE on a few sprites, two seeds each, run once through `workbench run` (HTML figures only).</summary>
public sealed class SpritesExperiment : IDisposable
{
    private readonly TempDirectory _directory = new();

    public SpritesExperiment()
    {
        var file = CliRunner.Write(_directory.Path, "sprites.json", """
        {
          "name": "sprites",
          "description": "Tiny disentanglement grid.",
          "data": { "dataset": "sprites", "trainLimit": 300, "testLimit": 200 },
          "model": { "variant": "beta-vae", "hiddenSizes": [16], "latentSize": 3 },
          "training": { "epochs": 1, "batchSize": 100 },
          "grid": {
            "model": [
              { "$id": "bvae", "variant": "beta-vae", "hiddenSizes": [16], "latentSize": 3, "beta": 4 },
              { "$id": "tcvae", "variant": "beta-tcvae", "hiddenSizes": [16], "latentSize": 3, "beta": 6 }
            ],
            "training.seed": [1, 2]
          }
        }
        """);
        (ExitCode, Output, Error) = CliRunner.Invoke("run", file, "--results", _directory.File("results"), "--no-png");
        Folder = _directory.File(Path.Combine("results", "sprites"));
    }

    public string Folder { get; }
    public int ExitCode { get; }
    public string Output { get; }
    public string Error { get; }

    public string[] RunFolders => Directory.GetDirectories(Folder).Where(d => File.Exists(Path.Combine(d, RunFolder.SummaryFile))).Order().ToArray();

    public void Dispose() => _directory.Dispose();
}

/// <summary>
/// MIG of runs on sprites: logged with every run, recomputed by `workbench eval` and Lab.Mig, and drawn in the
/// report as MIG against reconstruction per method and the labelled traversals of the best run.
/// </summary>
public class DisentanglementExperimentTests(SpritesExperiment experiment) : IClassFixture<SpritesExperiment>
{
    private static RunSummary Summary(string folder) =>
        RunFiles.ReadSummary(Path.Combine(folder, RunFolder.SummaryFile));

    [Fact]
    public void Run_OnSprites_LogsTheMigOfTheTrainedModelOnTheTestSprites()
    {
        Assert.True(experiment.ExitCode == 0, experiment.Error);
        Assert.Equal(4, experiment.RunFolders.Length);
        foreach (var folder in experiment.RunFolders)
        {
            var trained = TrainedRun.Load(folder);
            var sprites = ExperimentData.SpritesTest(trained.Definition.Data)!;
            Assert.Equal(200, sprites.Count);
            var expected = MutualInformationGap.Evaluate(trained.Model, sprites);
            var logged = RunDisentanglement.Read(folder)!;
            Assert.Equal(expected.Mig, Summary(folder).Mig!.Value, 12);
            Assert.Equal(expected.Mig, logged.Mig, 12);
            Assert.Equal(["shape", "scale", "rotation", "x", "y"], logged.Factors);
            Assert.Equal(3, logged.MutualInformation.Length);
            // Lab.Mig gives the same number from the run folder.
            Assert.Equal(expected.Mig, Lab.Mig(Lab.OpenRun(folder)).Mig, 12);
        }
    }

    [Fact]
    public void SpritesTest_HoldsTheRunsTestImagesInOrder()
    {
        var spec = new DataSpec { Dataset = "sprites", TestLimit = 200 };
        var test = ExperimentData.Load(spec).Test;
        var sprites = ExperimentData.SpritesTest(spec)!;
        Assert.Equal(test.Count, sprites.Count);
        for (int i = 0; i < test.Count; i += 37)
        {
            Assert.Equal(test.Image(i).ToArray(), sprites.Images.Image(i).ToArray());
            var rendered = new float[28 * 28];
            Sprites.Render(sprites.FactorsOf(i), sprites.Options, rendered);
            Assert.Equal(rendered, test.Image(i).ToArray()); // the factors are the ones that drew the image
        }
        Assert.Null(ExperimentData.SpritesTest(new DataSpec { Dataset = "fashion-mnist-subset" }));
    }

    [Fact]
    public void Train_VariantBetaTcVaeOnSprites_TakesBetaAndLogsMig()
    {
        using var directory = new TempDirectory();
        var output = Path.Combine(directory.Path, "tc");
        var (exitCode, _, error) = CliRunner.Invoke(["train", "--variant", "beta-tcvae", "--beta", "5", "--dataset", "sprites", .. CliRunner.TinyTrainFlags, "--output", output]);
        Assert.True(exitCode == 0, error);
        var trained = TrainedRun.Load(Path.Combine(output, "default"));
        var config = Assert.IsType<Workbench.Models.BetaTcVaeConfig>(trained.Definition.Model);
        Assert.Equal((1f, 5f, 1f), (config.Alpha, config.Beta, config.Gamma));
        Assert.Null(config.KlPenalty);
        Assert.NotNull(Summary(Path.Combine(output, "default")).Mig);
    }

    [Fact]
    public void Eval_RunOnSprites_PrintsAndSavesTheSameMig()
    {
        var folder = experiment.RunFolders[0];
        var (exitCode, output, error) = CliRunner.Invoke("eval", folder);
        Assert.True(exitCode == 0, error);
        Assert.Contains("MIG (Chen et al. 2018), test sprites", output);
        var evaluation = JsonSerializer.Deserialize<RunEvaluation>(File.ReadAllText(Path.Combine(folder, RunEvaluation.FileName)), ExperimentJson.Options)!;
        Assert.Equal(Summary(folder).Mig!.Value, evaluation.Mig!.Value, 12);
        Assert.Contains(evaluation.Mig!.Value.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), output);
    }

    [Fact]
    public void Report_DrawsMigAgainstReconstructionPerMethod_WithTheMethodMeans()
    {
        var runs = ReportRun.ReadAll(experiment.Folder);
        var figure = DisentanglementFigures.MigVsReconstruction(runs);
        var json = figure.DataJson();
        foreach (var method in new[] { "bvae", "tcvae" })
        {
            var members = runs.Where(r => DisentanglementFigures.MethodOf(r) == method).ToArray();
            Assert.Equal(2, members.Length); // the seeds of one method group together
            var mean = members.Average(r => r.Summary.Mig!.Value);
            var points = DisentanglementFigures.Methods(runs).Single(m => m.Method == method);
            Assert.Equal(mean, points.MeanMig, 12);
            Assert.Equal(members.Average(r => r.Summary.TestReconstruction), points.MeanReconstruction, 12);
        }
        Assert.Equal(4, figure.Data.Count); // per method: the seeds, and the mean
        Assert.Contains("\"symbol\":\"diamond\"", json);

        Assert.True(File.Exists(Path.Combine(experiment.Folder, "figures", "mig-vs-reconstruction.html")));
        Assert.True(File.Exists(Path.Combine(experiment.Folder, "figures", "best-run-traversals.html")));
        var html = File.ReadAllText(Path.Combine(experiment.Folder, ExperimentReport.FileName));
        Assert.Contains("<h2>Disentanglement</h2>", html);
        var table = new RunSummaryTable(runs.Select(r => r.Summary).ToArray()).ToTable();
        Assert.Equal("MIG", table.Columns[^1]);
        for (int i = 0; i < runs.Count; i++)
            Assert.Equal(runs[i].Summary.Mig!.Value, double.Parse(table.Rows[i][^1], System.Globalization.CultureInfo.InvariantCulture), 4);
        var bvae = DisentanglementFigures.Methods(runs).Single(m => m.Method == "bvae");
        Assert.Contains(System.Net.WebUtility.HtmlEncode(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"bvae: MIG {bvae.MeanMig:0.000} ± {bvae.SdMig:0.000}")), html);
    }

    [Fact]
    public void Report_LabelsEachTraversalRowOfTheBestRunByTheFactorWithTheHighestNormalisedMi()
    {
        var runs = ReportRun.ReadAll(experiment.Folder);
        var best = DisentanglementFigures.BestRun(runs)!;
        Assert.Equal(runs.Max(r => r.Summary.Mig!.Value), best.Summary.Mig!.Value);
        var figure = DisentanglementFigures.LabelledTraversals(best)!;
        var disentanglement = RunDisentanglement.Read(best.Folder)!;
        var rows = JsonSerializer.Deserialize<RunArtifacts.TraversalRows>(File.ReadAllText(Path.Combine(best.Folder, "images", "traversals.json")), ExperimentJson.Options)!;
        var labels = figure.Layout.Annotations!.Select(a => a.Text).ToArray();
        Assert.Equal(rows.Dimensions.Length, labels.Length);
        for (int r = 0; r < labels.Length; r++)
        {
            int d = int.Parse(rows.Dimensions[r].AsSpan(1));
            // Recomputed from the MI matrix: argmax over factors of I(z_d; v_k) / H(v_k).
            int factor = Enumerable.Range(0, 5).MaxBy(k => disentanglement.MutualInformation[d][k] / disentanglement.FactorEntropy[k]);
            Assert.StartsWith($"z{d}: {disentanglement.Factors[factor]} (", labels[r]);
        }
        // Rows go down the picture in order.
        var ys = figure.Layout.Annotations!.Select(a => a.Y!.Value).ToArray();
        Assert.Equal(ys.Order().ToArray(), ys);
    }
}
