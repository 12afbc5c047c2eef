using Workbench.Display;
using Workbench.Plotting.Rendering;

namespace Workbench.Notebooks;

/// <summary>
/// plotly.js as a notebook display of its own: a script defining <c>window.Plotly</c> and nothing visible. A display
/// that is redrawn in place (<see cref="LiveTraining"/>) shows this once before its first state, so none of its states
/// carries the library: a notebook saved by a client that keeps only the last state and one saved by a client that keeps
/// every state as an output both hold one copy of plotly.js, and every state draws its chart with the page's.
/// </summary>
[TypeFormatterSource(typeof(HtmlFormatterSource<ChartLibraryDisplay>), PreferredMimeTypes = ["text/html"])]
public sealed class ChartLibraryDisplay : IHtmlDisplayable
{
    internal ChartLibraryDisplay() { }

    /// <summary>The script element of <see cref="NotebookHtml.InlineBundle"/>.</summary>
    public string ToHtml() => NotebookHtml.InlineBundle();

    public override string ToString() => "plotly.js " + PlotlyBundle.Version;
}
