using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;

namespace Workbench.Tests.Cli;

public class TrainCommandTests(TrainedFolder trained) : IClassFixture<TrainedFolder>
{
    [Fact]
    public void Train_TinyConfig_WritesTheRunFolderLayout()
    {
        Assert.True(trained.ExitCode == 0, trained.Error);
        string[] files = ["config.json", "environment.json", "metrics.jsonl", "metrics.csv", "model.safetensors", "summary.json",
            "images/reconstructions.png", "images/samples.png", "images/traversals.png", "images/manifold.png",
            "figures/elbo-components.html", "figures/latent-scatter.html"];
        foreach (var file in files) Assert.True(File.Exists(Path.Combine(trained.RunFolder, file)), $"{file} missing");
        Assert.Equal(2, File.ReadAllLines(Path.Combine(trained.RunFolder, "metrics.jsonl")).Length);
        Assert.True(File.Exists(Path.Combine(trained.ExperimentFolder, "report.html")));
        var summary = RunFiles.ReadSummary(Path.Combine(trained.RunFolder, "summary.json"));
        Assert.Equal(2, summary.LatentSize);
        Assert.Equal(300, summary.TrainImages);
    }

    [Fact]
    public void Train_SameSettingsAgain_SkipsTheFinishedRun()
    {
        var modelTime = File.GetLastWriteTimeUtc(Path.Combine(trained.RunFolder, "model.safetensors"));
        var (exitCode, output, error) = CliRunner.Invoke(["train", .. CliRunner.TinyTrainFlags, "--output", trained.ExperimentFolder]);

        Assert.True(exitCode == 0, error);
        Assert.Contains("finished earlier, skipped", output);
        Assert.Equal(modelTime, File.GetLastWriteTimeUtc(Path.Combine(trained.RunFolder, "model.safetensors")));
    }

    [Fact]
    public void Train_OtherSettingsIntoAFinishedFolder_ExitsOne()
    {
        var (exitCode, _, error) = CliRunner.Invoke(["train", .. CliRunner.TinyTrainFlags, "--seed", "7", "--output", trained.ExperimentFolder]);
        Assert.Equal(1, exitCode);
        Assert.Contains("another configuration", error);
        Assert.Contains("training.seed: 1 → 7", error);
        Assert.Contains("--rerun-changed", error);
    }

    [Fact]
    public void Eval_FinishedRun_PrintsTableAndWritesEvalJson()
    {
        var (exitCode, output, error) = CliRunner.Invoke("eval", trained.RunFolder, "--iwae", "4", "--images", "10");

        Assert.True(exitCode == 0, error);
        Assert.Contains("−ELBO", output);
        Assert.Contains("active units", output);
        var evaluation = JsonSerializer.Deserialize<RunEvaluation>(File.ReadAllText(Path.Combine(trained.RunFolder, RunEvaluation.FileName)), ExperimentJson.Options)!;
        Assert.Equal(100, evaluation.TestImages);
        Assert.Equal(10, evaluation.ImportanceImages);
        Assert.NotNull(evaluation.ImportanceWeightedBound);
        // The k-sample bound is at least as tight as the ELBO (Burda et al. 2016) up to sampling noise.
        Assert.True(evaluation.ImportanceWeightedBound < evaluation.TestNegativeElbo + 5, $"{evaluation.ImportanceWeightedBound} vs {evaluation.TestNegativeElbo}");
        Assert.Contains(evaluation.TestNegativeElbo.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), output);
    }

    [Fact]
    public void SampleAndReconstruct_FinishedRun_WritePngGrids()
    {
        var samples = Path.Combine(trained.Root, "s.png");
        var pairs = Path.Combine(trained.Root, "r.png");

        var sample = CliRunner.Invoke("sample", trained.ExperimentFolder, "--count", "6", "--columns", "3", "--output", samples);
        var reconstruct = CliRunner.Invoke("reconstruct", trained.RunFolder, "--count", "4", "--columns", "4", "--output", pairs);
        var wrongClass = CliRunner.Invoke("sample", trained.RunFolder, "--class", "2");

        Assert.True(sample.ExitCode == 0, sample.Error);
        Assert.True(reconstruct.ExitCode == 0, reconstruct.Error);
        // 3 columns × 2 rows of 56-pixel cells with 2-pixel padding.
        Assert.Equal((3 * 56 + 4 * 2, 2 * 56 + 3 * 2), PngSize(samples));
        // The same for the pairs, with a margin on the left naming the rows: 6-pixel gaps either side of the widest label.
        int labelWidth = Workbench.Plotting.Imaging.BitmapFont.Measure("reconstruction", 2).Width;
        Assert.Equal((6 + labelWidth + 6 + 4 * 56 + 5 * 2, 2 * 56 + 3 * 2), PngSize(pairs));
        Assert.Equal(1, wrongClass.ExitCode);
        Assert.Contains("cvae", wrongClass.Error);
    }

    [Fact]
    public void Redraw_RunWithItsModel_DrawsEveryPictureAgainWithLabels()
    {
        var manifold = Path.Combine(trained.RunFolder, "images", "manifold.png");
        File.WriteAllBytes(manifold, Workbench.Plotting.Imaging.PngEncoder.Encode(new byte[4], 2, 2, Workbench.Plotting.Imaging.PngColorType.Grayscale));

        var (exitCode, output, error) = CliRunner.Invoke("redraw", trained.RunFolder, "--no-png");

        Assert.True(exitCode == 0, error);
        Assert.Contains("every picture drawn again from model.safetensors", output);
        var png = Workbench.Tests.Plotting.PngReader.Decode(File.ReadAllBytes(manifold));
        Assert.True(png.Width > 15 * 56, $"manifold {png.Width} px wide"); // drawn again: 15 tiles and a labelled margin
        Assert.Throws<InvalidDataException>(() => Workbench.Plotting.Imaging.ImageGrid.FromTiledImage(
            Workbench.Plotting.Imaging.PngDecoder.Decode(File.ReadAllBytes(manifold)), 56, 56, 2)); // labelled, so no longer a bare grid
        var missing = CliRunner.Invoke("redraw", Path.Combine(trained.Root, "no-such-run"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no-such-run", missing.Error);
    }

    private static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(0x89, bytes[0]);
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }
}
