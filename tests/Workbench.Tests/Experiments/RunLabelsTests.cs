using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;

namespace Workbench.Tests.Experiments;

/// <summary>Legend and panel names of grid runs: the values that tell them apart, an object value by its "$id".</summary>
public class RunLabelsTests
{
    private static ReportRun Run(Dictionary<string, JsonNode?> overrides)
    {
        // A committed summary, with the overrides under test.
        var path = Path.Combine(Support.Repository.Root(), "results", "iwae", "model=vae", "summary.json");
        var summary = RunFiles.ReadSummary(path) with { Overrides = overrides };
        return new ReportRun(Path.GetDirectoryName(path)!, summary, [], null!, null);
    }

    [Fact]
    public void For_WholeSectionGridValueWithId_IsThatId() =>
        Assert.Equal("iwae-k5", RunLabels.For(Run(new() { ["model"] = JsonNode.Parse("""{ "$id": "iwae-k5", "variant": "vae", "samples": 5 }""") })));

    [Fact]
    public void For_BetaAndSeed_ReadAsTheirValues() =>
        Assert.Equal("β=4, seed=2", RunLabels.For(Run(new() { ["model.beta"] = 4, ["training.seed"] = 2 })));

    [Fact]
    public void For_CommittedIwaeRuns_AreNamedByTheirIds()
    {
        var path = Path.Combine(Support.Repository.Root(), "results", "iwae", "model=iwae-k50", "summary.json");
        var summary = RunFiles.ReadSummary(path);
        Assert.Equal("iwae-k50", RunLabels.For(new ReportRun(Path.GetDirectoryName(path)!, summary, [], null!, null)));
    }
}
