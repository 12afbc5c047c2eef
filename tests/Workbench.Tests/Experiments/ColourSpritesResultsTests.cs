using System.Globalization;
using System.Text.Json;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The colour-sprites section of docs/results.md and the README's colour headline against the committed run summaries of
/// <c>experiments/colour-sprites.json</c>: every number is the mean ± sample standard deviation over the seeds of the
/// summaries under <c>results/colour-sprites/</c>.
/// </summary>
public class ColourSpritesResultsTests
{
    private const string Heading = "Colour sprites: disentanglement with colour as a sixth factor";

    private static string Root => Support.Repository.Root();

    private static string Folder => Path.Combine(Root, "results", "colour-sprites");

    /// <summary>Per method (the model's grid id): the summaries of its seeds, in seed order.</summary>
    private static Dictionary<string, RunSummary[]> Methods() =>
        Directory.GetFiles(Folder, RunFolder.SummaryFile, SearchOption.AllDirectories)
            .Select(f => JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(f), ExperimentJson.Options)!)
            .GroupBy(s => s.Run[(s.Run.IndexOf('=') + 1)..s.Run.IndexOf("_seed=", StringComparison.Ordinal)])
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Seed).ToArray());

    private static RunDisentanglement Disentanglement(RunSummary run) => RunDisentanglement.Read(Path.Combine(Folder, run.Run))!;

    private static double Mean(IEnumerable<double> values) => values.Average();

    [Fact]
    public void CommittedRuns_AreTheExperimentsNineColourRunsWithSixFactors()
    {
        var methods = Methods();
        Assert.Equal(["beta-tcvae-6", "beta-vae-1", "beta-vae-4"], methods.Keys.Order());
        Assert.All(methods.Values, runs => Assert.Equal([1UL, 2UL, 3UL], runs.Select(r => r.Seed)));
        Assert.All(methods.Values.SelectMany(r => r), r =>
        {
            Assert.Equal("sprites-colour", r.Dataset);
            Assert.Equal(["shape", "colour", "scale", "rotation", "x", "y"], Disentanglement(r).Factors);
            Assert.True(File.Exists(Path.Combine(Folder, r.Run, "images", "reconstructions.png")), $"{r.Run}: reconstructions.png missing");
        });
        var (_, specs) = ExperimentLoader.Expand(Path.Combine(Root, "experiments", "colour-sprites.json"));
        Assert.All(specs, s => Assert.Equal(3, s.Definition.Model.ImageChannels));
        Assert.Equal(specs.Select(s => s.Id).Order(), methods.Values.SelectMany(r => r).Select(r => r.Run).Order());
    }

    [Fact]
    public void ResultsPage_StatesEachMethodsMeanAndSdOverSeeds()
    {
        var section = Support.DocsPage.Section("results.md", Heading);
        foreach (var (method, runs) in Methods())
            Assert.Contains(DisentanglementResultsTests.Row(method, runs), section);
    }
}
