using System.Globalization;
using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.Plotting;
using Workbench.Plotting.Charts;

namespace Workbench.Experiments.Reports;

/// <summary>
/// The disentanglement figures of an experiment on sprites: the Mutual Information Gap against the
/// reconstruction term per method, and the latent traversals of the run with the highest MIG with each
/// dimension labelled by the factor it captures.
/// </summary>
public static class DisentanglementFigures
{
    /// <summary>
    /// A run's method: its overrides other than the training seed ("beta-vae-4"), so the seeds of one
    /// method group together; the run id when nothing else differs.
    /// </summary>
    public static string MethodOf(ReportRun run) => RunLabels.WithoutSeed(run);

    /// <summary>One method's runs: the MIG and test reconstruction of each seed, and their means and sample standard deviations (0 for one seed).</summary>
    public sealed record MethodPoints(string Method, double[] Mig, double[] Reconstruction)
    {
        public double MeanMig => SeedStatistic.Of(Mig).Mean;
        public double MeanReconstruction => SeedStatistic.Of(Reconstruction).Mean;
        public double SdMig => SeedStatistic.Of(Mig).Sd ?? 0;
        public double SdReconstruction => SeedStatistic.Of(Reconstruction).Sd ?? 0;
    }

    /// <summary>The runs that measured a MIG, grouped by method (their seed group, <see cref="SeedGroups"/>) in order of first appearance.</summary>
    public static IReadOnlyList<MethodPoints> Methods(IReadOnlyList<ReportRun> runs) =>
        SeedGroups.Of(runs.Where(r => r.Summary.Mig is not null).ToArray(), r => r.Summary)
            .Select(g => new MethodPoints(MethodOf(g.Runs[0]), g.Runs.Select(r => r.Summary.Mig!.Value).ToArray(), g.Runs.Select(r => r.Summary.TestReconstruction).ToArray()))
            .ToArray();

    /// <summary>MIG (higher: more disentangled) against the test reconstruction term (lower: sharper), one colour per method: each seed a dot, the method's mean a larger diamond.</summary>
    public static Figure MigVsReconstruction(IReadOnlyList<ReportRun> runs)
    {
        var methods = Methods(runs);
        if (methods.Count == 0) throw new ArgumentException("No run measured a MIG (only runs on sprites do).", nameof(runs));
        var figure = new Figure();
        for (int m = 0; m < methods.Count; m++)
        {
            var method = methods[m];
            var color = VaeCharts.ColorAt(m);
            figure.Add(new Scatter
            {
                Name = method.Method,
                LegendGroup = method.Method,
                Mode = ScatterMode.Markers,
                X = method.Reconstruction,
                Y = method.Mig,
                HoverTemplate = method.Method + "<br>reconstruction %{x:.2f} nats<br>MIG %{y:.3f}<extra></extra>",
                Marker = new Marker { Color = color, Size = 8, Opacity = 0.7 },
            });
            figure.Add(new Scatter
            {
                Name = method.Method + " mean",
                LegendGroup = method.Method,
                ShowLegend = false,
                Mode = ScatterMode.MarkersAndText,
                X = new[] { method.MeanReconstruction },
                Y = new[] { method.MeanMig },
                Text = new[] { method.Method },
                // Alternate above and below, so the labels of neighbouring means do not overprint.
                TextPosition = m % 2 == 0 ? "top center" : "bottom center",
                HoverTemplate = method.Method + " mean<br>reconstruction %{x:.2f} nats<br>MIG %{y:.3f}<extra></extra>",
                Marker = new Marker { Color = color, Size = 15, Symbol = "diamond", Line = new Line { Color = "black", Width = 1 } },
            });
        }
        figure.Layout.XAxis().Title = "reconstruction −E[log p(x|z)] on test sprites [nats]";
        figure.Layout.YAxis().Title = "MIG";
        figure.Layout.YAxis().RangeMode = "tozero";
        figure.Layout.Title = "MIG against reconstruction per method: each seed a dot, the method's mean a diamond";
        figure.Layout.Width = 800;
        figure.Layout.Height = 520;
        figure.Layout.HoverMode = "closest";
        figure.Layout.Legend = new Legend { Orientation = "h", X = 0, Y = -0.2, YAnchor = "top" };
        return figure;
    }

    /// <summary>The run with the highest MIG (ties: the first), or null when none measured one.</summary>
    public static ReportRun? BestRun(IReadOnlyList<ReportRun> runs) =>
        runs.Where(r => r.Summary.Mig is not null).OrderByDescending(r => r.Summary.Mig!.Value).FirstOrDefault();

    /// <summary>
    /// "z3: x (0.41)": a traversal row's dimension, the factor with the highest normalised MI I(z_d; v)/H(v)
    /// and that fraction.
    /// </summary>
    public static string RowLabel(int dimension, RunDisentanglement disentanglement) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{LatentDimensions.Name(dimension)}: {disentanglement.DimensionFactor[dimension]} ({disentanglement.DimensionFactorShare[dimension]:0.00})");

    /// <summary>
    /// The run's <c>images/traversals.png</c> with each row labelled by <see cref="RowLabel"/>; null when the run
    /// has no traversal picture, no row list or no disentanglement measurement.
    /// </summary>
    public static Figure? LabelledTraversals(ReportRun run)
    {
        var picture = RunFiles.Picture(run.Folder, Path.Combine("images", "traversals.png"));
        var rowsFile = Path.Combine(run.Folder, "images", "traversals.json");
        if (picture is null || !File.Exists(rowsFile) || RunDisentanglement.Read(run.Folder) is not { } disentanglement) return null;
        var rows = RunFiles.ReadJson<RunArtifacts.TraversalRows>(rowsFile, "traversal row list");
        var png = File.ReadAllBytes(picture);
        var (width, height) = PngSize(png, picture);
        var dimensions = rows.Dimensions.Select(name => int.Parse(name.AsSpan(1), CultureInfo.InvariantCulture)).ToArray();

        var figure = new Figure();
        figure.Add(new Plotting.Image { Source = "data:image/png;base64," + Convert.ToBase64String(png), X0 = 0, Y0 = 0, Dx = 1, Dy = 1, HoverInfo = "skip" });
        // The grid has 2 pixels of padding around every cell (RunArtifacts.Grid).
        const int padding = 2;
        double cell = (height - (dimensions.Length + 1) * padding) / (double)dimensions.Length;
        for (int r = 0; r < dimensions.Length; r++)
            figure.Layout.Annotate(new Annotation
            {
                Text = RowLabel(dimensions[r], disentanglement),
                X = 0, Y = padding + r * (cell + padding) + cell / 2, XRef = "paper", YRef = "y",
                XAnchor = "right", ShowArrow = false, Font = new Font { Size = 13 },
            });
        figure.Layout.XAxis().Visible = false;
        figure.Layout.YAxis().Visible = false;
        figure.Layout.XAxis().Range = [-0.5, width - 0.5];
        figure.Layout.YAxis().Range = [height - 0.5, -0.5];
        figure.Layout.YAxis().ScaleAnchor = "x";
        figure.Layout.Margin = new Margin { L = 170, R = 20, T = 80, B = 20 };
        figure.Layout.Title = string.Create(CultureInfo.InvariantCulture,
            $"Traversals of {run.Id}, MIG {disentanglement.Mig:0.000}<br>each row: a latent dimension, the factor with the highest I(z; v)/H(v) and that fraction");
        figure.Layout.Width = Math.Max(620, 190 + width);
        figure.Layout.Height = 110 + height;
        return figure;
    }

    /// <summary>Width and height from a PNG's IHDR chunk.</summary>
    private static (int Width, int Height) PngSize(byte[] png, string path)
    {
        if (png.Length < 24 || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R')
            throw new InvalidDataException($"'{path}' is not a PNG file.");
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }
}
