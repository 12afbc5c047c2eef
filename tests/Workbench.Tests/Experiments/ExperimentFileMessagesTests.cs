using Workbench.Experiments.Definitions;

namespace Workbench.Tests.Experiments;

/// <summary>Typos in experiment files are reported in the file's own terms, with the valid names and a suggestion.</summary>
public class ExperimentFileMessagesTests
{
    private static string Error(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"typo-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            return Assert.Throws<ExperimentFileException>(() => ExperimentLoader.Expand(path)).Message;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UnknownModelField_NamesItListsValidFieldsAndSuggests()
    {
        var message = Error("""{ "name": "x", "model": { "hiddenSize": [32] } }""");
        Assert.Contains("model.hiddenSize: unknown field 'hiddenSize' (did you mean 'hiddenSizes'?)", message);
        Assert.Contains("valid fields of model:", message);
        Assert.Contains("latentSize", message);
        Assert.DoesNotContain(".NET", message);
        Assert.DoesNotContain("Workbench.Models", message);
    }

    [Fact]
    public void UnknownTrainingField_SuggestsTheClosest()
    {
        var message = Error("""{ "name": "x", "training": { "epoch": 3 } }""");
        Assert.Contains("training.epoch: unknown field 'epoch' (did you mean 'epochs'?)", message);
    }

    [Fact]
    public void UnknownVariant_ListsTheVariantsAndSuggests()
    {
        var message = Error("""{ "name": "x", "model": { "variant": "betavae" } }""");
        Assert.Contains("model.variant: unknown value 'betavae' (did you mean 'beta-vae' or 'beta-tcvae'?)", message);
        Assert.Contains("valid values: ", message);
        Assert.Contains("cvae", message);
        Assert.DoesNotContain("discriminator", message);
    }

    [Fact]
    public void UnknownObjective_ListsTheObjectives()
    {
        var message = Error("""{ "name": "x", "model": { "objective": "everything" } }""");
        Assert.Contains("model.objective: not one of the valid values: ", message);
        Assert.Contains("kl-only", message);
        Assert.DoesNotContain("Workbench.", message);
    }
}
