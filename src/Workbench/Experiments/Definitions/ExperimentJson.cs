using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Experiments.Definitions;

/// <summary>The one set of JSON conventions for experiment files, config.json and summaries: camelCase
/// names, kebab-case enum values, unknown fields rejected, comments and trailing commas allowed.</summary>
public static class ExperimentJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            AllowOutOfOrderMetadataProperties = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            // A null where the type has no null ("model": null) is an error naming the field, not a crash later.
            RespectNullableAnnotations = true,
            AllowDuplicateProperties = false,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = indented,
            // Keep β, σ, − readable in summaries and configs.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
