using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Workbench.Experiments.Definitions;

/// <summary>
/// Turns a System.Text.Json binding error in an experiment file into the field and a message in the
/// file's own terms: the unknown field or value, the valid names, and the closest of them — never
/// .NET type names.
/// </summary>
public static partial class ExperimentJsonErrors
{
    /// <summary>The dotted field (e.g. <c>model.hiddenSize</c>) and the problem.</summary>
    public static (string Field, string Message) Explain(JsonException e)
    {
        string path = e.Path is { Length: > 2 } p ? p[2..] : "";
        string raw = e.Message.Split(" Path:")[0];
        try
        {
            if (UnmappedMember().Match(raw) is { Success: true } unmapped)
            {
                string name = unmapped.Groups["name"].Value;
                var type = typeof(ExperimentDefinition).Assembly.GetType(unmapped.Groups["type"].Value);
                var valid = type is null ? [] : JsonNames(type);
                string parent = ParentOf(path, name);
                string field = parent.Length == 0 ? name : $"{parent}.{name}";
                return (field, $"unknown field '{name}'{DidYouMean.Suffix(name, valid)}; valid fields{(parent.Length == 0 ? "" : $" of {parent}")}: {string.Join(", ", valid)}");
            }
            if (UnknownDiscriminator().Match(raw) is { Success: true } discriminator && TypeAt(path) is { } polymorphic
                && ExperimentJson.Options.GetTypeInfo(polymorphic).PolymorphismOptions is { } polymorphism)
            {
                string value = discriminator.Groups["id"].Value;
                var valid = polymorphism.DerivedTypes.Select(d => d.TypeDiscriminator?.ToString() ?? "").Where(v => v.Length > 0).ToList();
                string field = path.Length == 0 ? polymorphism.TypeDiscriminatorPropertyName : $"{path}.{polymorphism.TypeDiscriminatorPropertyName}";
                return (field, $"unknown value '{value}'{DidYouMean.Suffix(value, valid)}; valid values: {string.Join(", ", valid)}");
            }
            if (NotConvertible().IsMatch(raw) && TypeAt(path) is { } target && (Nullable.GetUnderlyingType(target) ?? target) is { IsEnum: true } enumType)
            {
                var valid = Enum.GetNames(enumType).Select(JsonNamingPolicy.KebabCaseLower.ConvertName).ToList();
                return (path, $"not one of the valid values: {string.Join(", ", valid)}");
            }
        }
        catch (Exception inner) when (inner is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // Fall back to the serializer's own words.
        }
        return (path.Length == 0 ? "(top level)" : path, raw);
    }

    /// <summary>The JSON names of <paramref name="type"/>'s fields, as experiment files spell them.</summary>
    private static List<string> JsonNames(Type type)
    {
        var names = ExperimentJson.Options.GetTypeInfo(type).Properties.Where(p => p.Set is not null).Select(p => p.Name).ToList();
        // A derived type's discriminator (model.variant, klPenalty.kind) is a field too, declared on its base.
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            if (ExperimentJson.Options.GetTypeInfo(t).PolymorphismOptions is { } polymorphism) names.Add(polymorphism.TypeDiscriminatorPropertyName);
        return names.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The declared type of the field at a dotted path from the experiment's top level (array indices skipped).</summary>
    private static Type? TypeAt(string path)
    {
        Type? type = typeof(ExperimentDefinition);
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Split('[')[0];
            if (name.Length == 0 || type is null) continue;
            JsonTypeInfo info = ExperimentJson.Options.GetTypeInfo(type);
            var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (property is null) return null;
            type = Element(property.PropertyType);
        }
        return type;
    }

    private static Type Element(Type type)
    {
        if (type.IsArray) return type.GetElementType()!;
        if (type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)) return element;
        return Nullable.GetUnderlyingType(type) ?? type;
    }

    /// <summary>The path of the object holding <paramref name="name"/> (the serializer's path may or may not end with it).</summary>
    private static string ParentOf(string path, string name) =>
        path == name ? "" : path.EndsWith("." + name, StringComparison.Ordinal) ? path[..^(name.Length + 1)] : path;

    [GeneratedRegex("The JSON property '(?<name>[^']+)' could not be mapped to any \\.NET member contained in type '(?<type>[^']+)'")]
    private static partial Regex UnmappedMember();

    [GeneratedRegex("unrecognized type discriminator id '(?<id>[^']*)'", RegexOptions.IgnoreCase)]
    private static partial Regex UnknownDiscriminator();

    [GeneratedRegex("The JSON value could not be converted to")]
    private static partial Regex NotConvertible();
}
