using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Models;

namespace Workbench.Tests.Experiments;

/// <summary>experiments/experiment.schema.json lists exactly the names the code accepts, so editors never offer a value the loader refuses.</summary>
public class SchemaConsistencyTests
{
    private static JsonNode Schema() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Support.Repository.Root(), "experiments", "experiment.schema.json")))!;

    private static string[] Enum(JsonNode node) => node["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();

    [Fact]
    public void ModelVariants_AreTheConfigTypesVariantNames() =>
        Assert.Equal(VaeConfig.VariantNames, Enum(Schema()["properties"]!["model"]!["properties"]!["variant"]!));

    [Fact]
    public void Datasets_AreTheDataSpecsKnownDatasets() =>
        Assert.Equal(Workbench.Experiments.Definitions.DataSpec.Known, Enum(Schema()["properties"]!["data"]!["properties"]!["dataset"]!));

    [Fact]
    public void Objectives_AreTheObjectiveEnumInKebabCase() =>
        Assert.Equal(Enum<Objective>(), Enum(Schema()["properties"]!["model"]!["properties"]!["objective"]!));

    [Fact]
    public void Architectures_AreTheArchitectureEnumInKebabCase() =>
        Assert.Equal(Enum<Architecture>(), Enum(Schema()["properties"]!["model"]!["properties"]!["architecture"]!));

    [Fact]
    public void PriorKinds_AreThePriorConfigsDiscriminators()
    {
        var kinds = typeof(Workbench.Models.Priors.PriorConfig)
            .GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonDerivedTypeAttribute), false)
            .Cast<System.Text.Json.Serialization.JsonDerivedTypeAttribute>().Select(a => (string)a.TypeDiscriminator!).ToArray();
        Assert.Equal(kinds, Enum(Schema()["$defs"]!["prior"]!["properties"]!["kind"]!));
    }

    [Fact]
    public void SentenceModelFields_AreInTheSchema()
    {
        var properties = Schema()["properties"]!["model"]!["properties"]!.AsObject();
        var fields = typeof(Workbench.Models.Sequences.SequenceVaeVariantConfig).GetProperties()
            .Where(p => p.DeclaringType != typeof(VaeConfig) && p.CanWrite && p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), true).Length == 0)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToArray();
        Assert.Equal(["wordDropout", "klAnnealing", "embeddingSize", "hiddenSize"], fields);
        Assert.All(fields, f => Assert.True(properties.ContainsKey(f), $"model.{f} is missing from the schema"));
    }

    private static string[] Enum<T>() where T : struct, System.Enum =>
        System.Enum.GetNames<T>().Select(JsonNamingPolicy.KebabCaseLower.ConvertName).ToArray();
}
