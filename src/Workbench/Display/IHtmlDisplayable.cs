namespace Workbench.Display;

/// <summary>
/// A value that renders itself as an HTML fragment in a notebook (a figure, an image grid, a
/// metric table). Pair it with <c>[TypeFormatterSource(typeof(HtmlFormatterSource&lt;T&gt;))]</c>.
/// </summary>
public interface IHtmlDisplayable
{
    /// <summary>A self-contained HTML fragment (no &lt;html&gt;/&lt;body&gt;).</summary>
    string ToHtml();
}
