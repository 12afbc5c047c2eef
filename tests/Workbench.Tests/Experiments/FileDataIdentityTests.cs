using Workbench.Experiments.RunFolders;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

/// <summary>
/// The fields of your own data (data.path, labels, labelColumn, memoryMap) are left out of a run's identity when unused, so every
/// committed run's recorded data section is exactly what its configuration gives now, and the run is the same run.
/// </summary>
public class FileDataIdentityTests
{
    public static TheoryData<string> CommittedRuns()
    {
        var runs = new TheoryData<string>();
        foreach (var identity in Directory.GetFiles(Path.Combine(Repository.Root(), "results"), RunIdentity.FileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            if (File.Exists(Path.Combine(Path.GetDirectoryName(identity)!, TrainedRun.ConfigFile))) runs.Add(Path.GetRelativePath(Repository.Root(), Path.GetDirectoryName(identity)!));
        return runs;
    }

    [Theory]
    [MemberData(nameof(CommittedRuns))]
    public void Identity_OfACommittedRunsConfig_KeepsItsDataSectionAndIsTheSameRun(string runFolder)
    {
        var folder = Path.Combine(Repository.Root(), runFolder);
        var recorded = RunIdentity.Read(folder)!;
        var now = RunIdentity.Of(TrainedRun.ReadDefinition(Path.Combine(folder, TrainedRun.ConfigFile)));
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(recorded.Configuration["data"], now.Configuration["data"]),
            $"{recorded.Configuration["data"]!.ToJsonString()} → {now.Configuration["data"]!.ToJsonString()}");
        Assert.True(recorded.SameRunAs(now), string.Join("; ", recorded.Differences(now)));
    }
}
