namespace Workbench.Plotting.Charts;

public static partial class VaeCharts
{
    /// <summary>
    /// Two latent coordinates (e.g. posterior means μ₁, μ₂ of test images) as points coloured by
    /// class, one legend entry per class (click to hide), equal scale on both axes.
    /// </summary>
    /// <param name="labels">Class index per point, 0 ≤ label.</param>
    /// <param name="classNames">Name per class index; "class k" when null or too short.</param>
    /// <param name="xName">Name of the horizontal dimension, 0-based as everywhere (z0, z1, …).</param>
    public static Figure LatentScatter(DataArray z1, DataArray z2, IReadOnlyList<int> labels, IReadOnlyList<string>? classNames = null, string? title = "Latent space",
        string xName = "z0", string yName = "z1")
    {
        ArgumentNullException.ThrowIfNull(z1);
        ArgumentNullException.ThrowIfNull(labels);
        RequireLength(z2, z1.Count, nameof(z2));
        if (labels.Count != z1.Count) throw new ArgumentException($"labels has {labels.Count} values but there are {z1.Count} points.", nameof(labels));
        if (labels.Any(l => l < 0)) throw new ArgumentException("Class labels must be non-negative.", nameof(labels));

        var figure = new Figure();
        foreach (var label in labels.Distinct().Order())
        {
            var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == label).ToArray();
            figure.Add(new Scatter
            {
                Name = classNames is not null && label < classNames.Count ? classNames[label] : $"class {label}",
                Mode = ScatterMode.Markers,
                X = members.Select(z1.NumberAt).ToArray(),
                Y = members.Select(z2.NumberAt).ToArray(),
                Marker = new Marker { Color = ColorAt(label), Size = 5, Opacity = 0.75 },
            });
        }
        figure.Layout.XAxis().Title = xName;
        figure.Layout.YAxis().Title = yName;
        figure.Layout.YAxis().ScaleAnchor = "x";
        figure.Layout.Legend = new Legend { ItemSizing = "constant" };
        return Finish(figure, title, 700, 600);
    }
}
