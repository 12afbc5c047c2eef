using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Plotting.Imaging;
using Workbench.Tests.Support;

namespace Workbench.Tests.Cli;

/// <summary>Nothing is written beside the folder a command was given, and nothing from outside a run folder is read into a report.</summary>
public class OutsideFolderTests
{
    private static string[] EntriesBeside(string directory, string folderName) =>
        Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Where(n => n != folderName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void Train_OutputInAFolderOfTheUsersFiles_WritesNothingBesideIt_AndLeavesTheirIndexAlone()
    {
        using var directory = new TempDirectory();
        var mine = Path.Combine(directory.Path, "mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "index.json"), "my own index\n");
        var output = Path.Combine(mine, "myrun");

        var (exitCode, _, error) = CliRunner.Invoke(["train", .. CliRunner.TinyTrainFlags, "--output", output]);

        Assert.True(exitCode == 0, error);
        Assert.Equal(["index.json"], EntriesBeside(mine, "myrun"));
        Assert.Equal("my own index\n", File.ReadAllText(Path.Combine(mine, "index.json")));
        // The report and the runs' pages load plotly.js from inside the folder (or inline it).
        var report = File.ReadAllText(Path.Combine(output, ExperimentReport.FileName));
        Assert.DoesNotContain("src=\"../", report);
        foreach (var page in Directory.GetFiles(output, "*.html", SearchOption.AllDirectories))
            foreach (var source in ScriptSources(File.ReadAllText(page)))
                Assert.StartsWith(output, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, source)));
        // The run is listed in the folder's own index.
        Assert.Contains("\"run\": \"default\"", File.ReadAllText(Path.Combine(output, ResultsIndex.FileName)));

        // Writing the report again writes nothing beside the folder either.
        var again = CliRunner.Invoke("report", output, "--no-png");
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(["index.json"], EntriesBeside(mine, "myrun"));
    }

    private static IEnumerable<string> ScriptSources(string html)
    {
        foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]* src=\"([^\"]+)\""))
            if (!match.Groups[1].Value.StartsWith("http", StringComparison.Ordinal)) yield return match.Groups[1].Value;
    }

    [Fact]
    public void ReportSelfContained_ImagesLinkedToAFolderOutsideTheRun_InlinesNothingFromThere()
    {
        using var directory = new TempDirectory();
        var experiment = Path.Combine(directory.Path, "results", "tiny");
        var trained = CliRunner.Invoke(["train", .. CliRunner.TinyTrainFlags, "--output", experiment]);
        Assert.True(trained.ExitCode == 0, trained.Error);
        var images = Path.Combine(experiment, "default", "images");
        // Outside the run: a secret under a picture's name, and a real PNG.
        var secrets = Path.Combine(directory.Path, "secrets");
        Directory.CreateDirectory(secrets);
        File.WriteAllText(Path.Combine(secrets, "reconstructions.png"), "password=hunter2\n");
        File.Copy(Path.Combine(images, "samples.png"), Path.Combine(secrets, "samples.png"));
        Directory.Move(images, images + "-moved");
        Directory.CreateSymbolicLink(images, secrets);

        var (exitCode, output, error) = CliRunner.Invoke("report", experiment, "--self-contained", "--no-png");

        Assert.True(exitCode == 0, error);
        var html = File.ReadAllText(Path.Combine(experiment, ExperimentReport.FileName));
        Assert.DoesNotContain(Convert.ToBase64String("password=hunter2\n"u8.ToArray()), html);
        Assert.DoesNotContain(Convert.ToBase64String(File.ReadAllBytes(Path.Combine(secrets, "samples.png"))), html);
        Assert.Contains("outside the run folder", output);
    }

    [Fact]
    public void ReportSelfContained_APictureThatIsNoPng_IsSkippedWithANote()
    {
        using var directory = new TempDirectory();
        var experiment = Path.Combine(directory.Path, "results", "tiny");
        var trained = CliRunner.Invoke(["train", .. CliRunner.TinyTrainFlags, "--output", experiment]);
        Assert.True(trained.ExitCode == 0, trained.Error);
        var picture = Path.Combine(experiment, "default", "images", "reconstructions.png");
        File.WriteAllText(picture, "not a picture\n");

        var (exitCode, output, error) = CliRunner.Invoke("report", experiment, "--self-contained", "--no-png");

        Assert.True(exitCode == 0, error);
        var html = File.ReadAllText(Path.Combine(experiment, ExperimentReport.FileName));
        Assert.DoesNotContain(Convert.ToBase64String("not a picture\n"u8.ToArray()), html);
        Assert.Contains(picture, output);
        Assert.Contains("not a PNG", output);
        Assert.True(PngDecoder.Decode(File.ReadAllBytes(Path.Combine(experiment, "default", "images", "samples.png"))).Width > 0);
    }
}
