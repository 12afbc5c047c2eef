using System.Collections.Concurrent;
using System.Reflection;

namespace Workbench.Notebooks;

/// <summary>
/// .NET Interactive's package-free formatter convention, found by reflection: a type (or one of
/// its base types) carries an attribute whose class is named exactly
/// <c>TypeFormatterSourceAttribute</c> (any namespace, any visibility) with a
/// <c>Type FormatterSourceType</c> and optional <c>string[] PreferredMimeTypes</c>. The source
/// type is created with its parameterless constructor (public or not) and its
/// <c>CreateTypeFormatters()</c> returns formatters, each with a <c>string MimeType</c> and a
/// <c>bool Format(object instance, TextWriter writer)</c> (or <c>Format(T, TextWriter)</c>).
/// Results are cached per displayed type.
/// </summary>
internal static class FormatterSources
{
    private const string AttributeName = "TypeFormatterSourceAttribute";
    private const BindingFlags AnyInstance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly ConcurrentDictionary<Type, FormatterSet> Cache = new();

    /// <summary>A formatter found by convention, bound to one MIME type.</summary>
    internal sealed record ConventionFormatter(string MimeType, Func<object, TextWriter, bool> Format);

    /// <summary>The formatters and preferred MIME types for one type (both empty when it has no source).</summary>
    internal sealed record FormatterSet(IReadOnlyList<ConventionFormatter> Formatters, IReadOnlyList<string> PreferredMimeTypes)
    {
        public static readonly FormatterSet Empty = new([], []);
    }

    public static FormatterSet For(Type type) => Cache.GetOrAdd(type, Discover);

    private static FormatterSet Discover(Type type)
    {
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var attribute in current.GetCustomAttributes(inherit: false))
            {
                var attributeType = attribute.GetType();
                if (attributeType.Name != AttributeName) continue;
                if (attributeType.GetProperty("FormatterSourceType", AnyInstance)?.GetValue(attribute) is not Type sourceType) continue;
                var preferred = attributeType.GetProperty("PreferredMimeTypes", AnyInstance)?.GetValue(attribute) as string[] ?? [];
                var formatters = CreateFormatters(sourceType, type);
                if (formatters.Count > 0) return new FormatterSet(formatters, preferred);
            }
        }
        return FormatterSet.Empty;
    }

    private static List<ConventionFormatter> CreateFormatters(Type sourceType, Type valueType)
    {
        // An open generic source (typeof(Source<>)) is closed over the displayed type.
        if (sourceType.IsGenericTypeDefinition && sourceType.GetGenericArguments().Length == 1)
            sourceType = sourceType.MakeGenericType(valueType);
        var source = Activator.CreateInstance(sourceType, nonPublic: true);
        var create = sourceType.GetMethod("CreateTypeFormatters", AnyInstance, Type.EmptyTypes);
        if (source is null || create?.Invoke(source, null) is not System.Collections.IEnumerable created) return [];

        var result = new List<ConventionFormatter>();
        foreach (var formatter in created)
        {
            if (formatter is null) continue;
            var formatterType = formatter.GetType();
            if (formatterType.GetProperty("Type", AnyInstance)?.GetValue(formatter) is Type handles && !handles.IsAssignableFrom(valueType)) continue;
            if (formatterType.GetProperty("MimeType", AnyInstance)?.GetValue(formatter) is not string mimeType) continue;
            var format = FindFormatMethod(formatterType, valueType);
            if (format is null) continue;
            result.Add(new ConventionFormatter(mimeType, (value, writer) =>
                format.Invoke(formatter, [value, writer]) is not false));
        }
        return result;
    }

    private static MethodInfo? FindFormatMethod(Type formatterType, Type valueType) =>
        formatterType.GetMethods(AnyInstance)
            .Where(m => m.Name == "Format")
            .Select(m => (Method: m, Parameters: m.GetParameters()))
            .Where(m => m.Parameters.Length == 2
                        && m.Parameters[1].ParameterType == typeof(TextWriter)
                        && m.Parameters[0].ParameterType.IsAssignableFrom(valueType))
            // Prefer the most specific first parameter: Format(T, …) over Format(object, …).
            .OrderBy(m => m.Parameters[0].ParameterType == typeof(object) ? 1 : 0)
            .Select(m => m.Method)
            .FirstOrDefault();
}
