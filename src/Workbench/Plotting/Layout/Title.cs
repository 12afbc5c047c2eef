namespace Workbench.Plotting;

/// <summary>A figure, axis or legend title: plotly's <c>{ "text": … }</c> object. Strings convert implicitly.</summary>
public sealed class Title
{
    public string? Text { get; set; }
    public Font? Font { get; set; }

    /// <summary>Horizontal position in paper coordinates (figure titles only).</summary>
    public double? X { get; set; }

    public static implicit operator Title(string text) => new() { Text = text };
}
