using System.Text.Json.Serialization;

namespace Workbench.Plotting;

/// <summary>
/// plotly's <c>layout</c>. Template-free: only what is set here is written; plotly.js fills in its
/// defaults. Axes live under their plotly keys ("xaxis", "yaxis", "xaxis2", …): use
/// <see cref="XAxis"/> / <see cref="YAxis"/> to get or create them.
/// </summary>
public sealed class Layout
{
    public Title? Title { get; set; }

    /// <summary>Figure size in pixels; null lets the figure fill its container.</summary>
    public int? Width { get; set; }
    public int? Height { get; set; }

    public Margin? Margin { get; set; }
    public bool? ShowLegend { get; set; }
    public Legend? Legend { get; set; }
    public LayoutGrid? Grid { get; set; }
    public List<Annotation>? Annotations { get; set; }
    public Font? Font { get; set; }

    /// <summary>"group", "stack", "overlay", "relative" for several bar traces.</summary>
    public string? BarMode { get; set; }

    /// <summary>"closest", "x", "x unified", false….</summary>
    public string? HoverMode { get; set; }

    [JsonPropertyName("plot_bgcolor")]
    public string? PlotBackgroundColor { get; set; }

    [JsonPropertyName("paper_bgcolor")]
    public string? PaperBackgroundColor { get; set; }

    /// <summary>Axes keyed by their plotly layout key ("xaxis", "yaxis3"); written as top-level layout keys.</summary>
    [JsonExtensionData]
    public Dictionary<string, object> Axes { get; } = new();

    /// <summary>The x axis number <paramref name="index"/> (1 → "xaxis", 2 → "xaxis2"), created on first use.</summary>
    public Axis XAxis(int index = 1) => GetOrCreateAxis('x', index);

    /// <summary>The y axis number <paramref name="index"/> (1 → "yaxis", 2 → "yaxis2"), created on first use.</summary>
    public Axis YAxis(int index = 1) => GetOrCreateAxis('y', index);

    /// <summary>Adds an annotation, creating the list if needed.</summary>
    public void Annotate(Annotation annotation) => (Annotations ??= []).Add(annotation);

    /// <summary>The id a trace uses to refer to axis <paramref name="index"/>: "x", "x2", ….</summary>
    public static string AxisId(char letter, int index) => index == 1 ? letter.ToString() : $"{letter}{index}";

    private Axis GetOrCreateAxis(char letter, int index)
    {
        if (index < 1) throw new ArgumentOutOfRangeException(nameof(index), index, "Axis numbers start at 1.");
        var key = index == 1 ? $"{letter}axis" : $"{letter}axis{index}";
        if (Axes.TryGetValue(key, out var existing)) return (Axis)existing;
        var axis = new Axis();
        Axes[key] = axis;
        return axis;
    }
}
