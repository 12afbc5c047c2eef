using System.Net;
using System.Text;

namespace Workbench.Display;

/// <summary>
/// Several displayable items side by side (wrapping onto new lines when the page is narrow), each
/// under its own heading: e.g. the latent spaces of four ablations, or reconstructions per β.
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<HtmlRow>), PreferredMimeTypes = ["text/html"])]
public sealed class HtmlRow : IHtmlDisplayable
{
    private readonly List<(string Heading, IHtmlDisplayable Item)> _items = [];

    /// <summary>The items in display order.</summary>
    public IReadOnlyList<(string Heading, IHtmlDisplayable Item)> Items => _items;

    /// <summary>Appends an item under <paramref name="heading"/> and returns the row.</summary>
    public HtmlRow Add(string heading, IHtmlDisplayable item)
    {
        ArgumentNullException.ThrowIfNull(heading);
        ArgumentNullException.ThrowIfNull(item);
        _items.Add((heading, item));
        return this;
    }

    public string ToHtml()
    {
        var html = new StringBuilder("<div style=\"display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start;\">");
        foreach (var (heading, item) in _items)
        {
            html.Append("<div><div style=\"font-weight: bold; margin-bottom: 4px;\">").Append(WebUtility.HtmlEncode(heading)).Append("</div>");
            html.Append(item.ToHtml()).Append("</div>");
        }
        return html.Append("</div>").ToString();
    }

    public override string ToString() => $"HtmlRow ({string.Join(", ", _items.Select(i => i.Heading))})";
}
