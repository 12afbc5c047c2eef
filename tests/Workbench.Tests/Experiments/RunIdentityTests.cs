using System.Text.Json.Nodes;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Tests.Support;

namespace Workbench.Tests.Experiments;

public class RunIdentityTests
{
    private static RunIdentity Identity(string json)
    {
        using var directory = new TempDirectory();
        var path = directory.File("e.json");
        File.WriteAllText(path, json);
        return RunIdentity.Of(ExperimentLoader.Expand(path).Runs[0].Definition);
    }

    [Fact]
    public void Of_DefaultsWrittenOutOrLeftOut_GiveOneIdentity_NameAndDescriptionAreLabels()
    {
        var terse = Identity("""{ "name": "a", "model": { "latentSize": 2 } }""");
        var spelled = Identity("""{ "name": "b", "description": "other words", "model": { "variant": "vae", "latentSize": 2, "hiddenSizes": [400] }, "training": { "seed": 1 } }""");
        Assert.Equal(terse.Hash, spelled.Hash);
        Assert.Matches("^[0-9a-f]{64}$", terse.Hash);
    }

    [Fact]
    public void Differences_ListEachChangedField_WithBothValues()
    {
        var stored = Identity("""{ "name": "a", "model": { "latentSize": 2 }, "training": { "learningRate": 0.001 } }""");
        var requested = Identity("""{ "name": "a", "model": { "latentSize": 3, "klPenalty": { "kind": "capacity" } }, "training": { "learningRate": 0.002 } }""");

        var differences = stored.Differences(requested);

        Assert.Contains("model.latentSize: 2 → 3", differences);
        Assert.Contains("training.learningRate: 0.001 → 0.002", differences);
        Assert.Contains(differences, d => d.StartsWith("model.klPenalty: null → {\"kind\":\"capacity\"", StringComparison.Ordinal));
        Assert.Equal(3, differences.Count);
        Assert.False(stored.SameRunAs(requested));
    }

    [Fact]
    public void SameRunAs_FieldRecordedOnOneSideOnly_IsNotAChange_ButAnotherValueIs()
    {
        using var directory = new TempDirectory();
        var current = Identity("""{ "name": "a", "model": { "latentSize": 2 } }""");
        current.Write(directory.Path);
        // A record written by a version of Workbench that had one more setting and lacked another.
        var file = JsonNode.Parse(File.ReadAllText(directory.File(RunIdentity.FileName)))!;
        file["hash"] = "0";
        file["configuration"]!["model"]!.AsObject().Add("someOlderSetting", 5);
        file["configuration"]!["training"]!.AsObject().Remove("checkpointEvery");
        File.WriteAllText(directory.File(RunIdentity.FileName), file.ToJsonString());

        var stored = RunIdentity.Read(directory.Path)!;

        Assert.True(stored.SameRunAs(current));
        Assert.False(stored.SameRunAs(Identity("""{ "name": "a", "model": { "latentSize": 4 } }""")));
    }

    [Fact]
    public void Read_FolderWithOnlyConfigJson_ResolvesItsIdentity_AndCorruptRecordIsAnError()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File(TrainedRun.ConfigFile), """{ "name": "a", "model": { "latentSize": 2 } }""");
        Assert.Equal(Identity("""{ "name": "z", "model": { "latentSize": 2 } }""").Hash, RunIdentity.Read(directory.Path)!.Hash);

        File.WriteAllText(directory.File(RunIdentity.FileName), "{ \"hash\": ");
        var error = Assert.Throws<InvalidDataException>(() => RunIdentity.Read(directory.Path));
        Assert.Contains(directory.File(RunIdentity.FileName), error.Message);
    }
}
