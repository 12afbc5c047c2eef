namespace Workbench.Display;

/// <summary>
/// Formatter source for any <see cref="IHtmlDisplayable"/>: one text/html formatter that writes
/// <see cref="IHtmlDisplayable.ToHtml"/>. Usage on a library type:
/// <code>[TypeFormatterSource(typeof(HtmlFormatterSource&lt;Figure&gt;), PreferredMimeTypes = ["text/html"])]
/// public sealed class Figure : IHtmlDisplayable { public string ToHtml() => …; }</code>
/// The shape (CreateTypeFormatters → objects with MimeType and Format(object, TextWriter)) is the
/// package-free convention .NET Interactive looks for.
/// </summary>
public sealed class HtmlFormatterSource<T> where T : IHtmlDisplayable
{
    /// <summary>The formatters the notebook kernel registers for <typeparamref name="T"/>.</summary>
    public IEnumerable<object> CreateTypeFormatters() => [new HtmlFormatter()];

    /// <summary>Writes <c>ToHtml()</c> of a <typeparamref name="T"/> as text/html.</summary>
    public sealed class HtmlFormatter
    {
        public string MimeType => "text/html";

        public Type Type => typeof(T);

        /// <summary>Writes the HTML; false (declined) for values that are not a <typeparamref name="T"/>.</summary>
        public bool Format(object instance, TextWriter writer)
        {
            if (instance is not T displayable) return false;
            writer.Write(displayable.ToHtml());
            return true;
        }
    }
}
