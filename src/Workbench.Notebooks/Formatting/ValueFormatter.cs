using System.Collections;
using System.Globalization;
using System.Net;
using System.Text;

namespace Workbench.Notebooks;

/// <summary>
/// Turns a displayed value into a MIME bundle the way .NET Interactive does: formatters the
/// value's type declares by convention (<see cref="FormatterSources"/>) first, then defaults —
/// text/plain is ToString() (sequences as <c>[ 1, 2, 3 ]</c>, at most 20 items), and text/html
/// is the plain text in a <c>&lt;div class="dni-plaintext"&gt;&lt;pre&gt;</c>.
/// </summary>
public static class ValueFormatter
{
    public const string PlainText = "text/plain";
    public const string Html = "text/html";

    /// <summary>How many items of a sequence are written before " ... (n more)" (.NET Interactive's ListExpansionLimit).</summary>
    public const int ListExpansionLimit = 20;

    /// <summary>
    /// The value formatted for each requested MIME type (or, when none are requested, for the
    /// type's preferred MIME types plus text/plain, default text/html and text/plain).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Format(object? value, IReadOnlyList<string>? mimeTypes = null)
    {
        var set = value is null ? FormatterSources.FormatterSet.Empty : FormatterSources.For(value.GetType());
        var wanted = mimeTypes is { Count: > 0 } ? mimeTypes
            : set.PreferredMimeTypes.Count > 0 ? set.PreferredMimeTypes.Append(PlainText).Distinct().ToList()
            : [Html, PlainText];

        var bundle = new Dictionary<string, string>();
        foreach (var mimeType in wanted)
        {
            if (bundle.ContainsKey(mimeType)) continue;
            var text = FormatWithSource(value, set, mimeType) ?? FormatDefault(value, mimeType);
            if (text is not null) bundle[mimeType] = text;
        }
        if (bundle.Count == 0) bundle[PlainText] = ToPlainText(value);
        return bundle;
    }

    private static string? FormatWithSource(object? value, FormatterSources.FormatterSet set, string mimeType)
    {
        if (value is null) return null;
        foreach (var formatter in set.Formatters)
        {
            if (formatter.MimeType != mimeType) continue;
            using var writer = new StringWriter(CultureInfo.InvariantCulture);
            if (formatter.Format(value, writer)) return writer.ToString();
        }
        return null;
    }

    private static string? FormatDefault(object? value, string mimeType) => mimeType switch
    {
        PlainText => ToPlainText(value),
        Html => $"<div class=\"dni-plaintext\"><pre>{WebUtility.HtmlEncode(ToPlainText(value))}</pre></div>",
        _ => null,
    };

    /// <summary>.NET Interactive's plain-text form: "&lt;null&gt;", strings as is, sequences as "[ a, b ]", else ToString().</summary>
    public static string ToPlainText(object? value)
    {
        switch (value)
        {
            case null: return "<null>";
            case string s: return s;
            case IFormattable formattable: return formattable.ToString(null, CultureInfo.InvariantCulture);
            case IEnumerable sequence when !HasOwnToString(value):
                var sb = new StringBuilder("[ ");
                var written = 0;
                var more = false;
                foreach (var item in sequence)
                {
                    // Stop at the limit: the sequence may be lazy or endless.
                    if (written == ListExpansionLimit) { more = true; break; }
                    if (written > 0) sb.Append(", ");
                    sb.Append(ToPlainText(item));
                    written++;
                }
                if (more)
                    sb.Append(sequence is ICollection collection ? $" ... ({collection.Count - written} more)" : " ... (more)");
                return sb.Append(" ]").ToString();
            default: return value.ToString() ?? "";
        }
    }

    // A sequence type that overrides ToString (e.g. a tensor) knows best how to print itself.
    private static bool HasOwnToString(object value)
    {
        var declaring = value.GetType().GetMethod(nameof(ToString), Type.EmptyTypes)?.DeclaringType;
        return declaring is not null && declaring != typeof(object) && !declaring.Namespace!.StartsWith("System", StringComparison.Ordinal);
    }
}
