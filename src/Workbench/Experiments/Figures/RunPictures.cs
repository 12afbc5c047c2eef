using System.Text.Json;
using Workbench.Data;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Plotting.Imaging;

namespace Workbench.Experiments.Figures;

/// <summary>
/// Draws a finished run's pictures again with the current code. With its model (<c>model.safetensors</c>)
/// every picture is drawn anew from the model, as at the end of training. A run kept without its model (a
/// committed headline run) keeps its images, and its unlabelled grids get their labels from what the run
/// folder records: the rows of reconstructions, the manifold's coordinates, the classes of the class grid,
/// and the traversal rows of <c>images/traversals.json</c>.
/// </summary>
public static class RunPictures
{
    /// <summary>Tiles of the saved grids: 28×28 images enlarged 2×, 2 pixels apart (<see cref="RunArtifacts.Write"/>).</summary>
    private const int Cell = 56, Padding = 2;

    /// <summary>Redraws the run in <paramref name="folder"/>; returns one line per picture saying what was done.</summary>
    /// <exception cref="FileNotFoundException">The folder holds no finished run (config.json or summary.json missing).</exception>
    public static IReadOnlyList<string> Redraw(string folder, FigureFiles figures)
    {
        var path = Path.GetFullPath(folder);
        var configPath = Path.Combine(path, TrainedRun.ConfigFile);
        if (!File.Exists(configPath) || !File.Exists(Path.Combine(path, RunFolder.SummaryFile)))
            throw new FileNotFoundException($"{path} holds no finished run: config.json and summary.json are both needed.", configPath);
        var configuration = RunConfiguration.Read(configPath); // a composed model is refused by TrainedRun.Load, saying why
        if (!configuration.IsComposed && configuration.Definition.Model.Input == Models.ModelInput.Sentences) return SentenceFigures.Redraw(path, figures);
        if (File.Exists(Path.Combine(path, TrainedRun.ModelFile)))
        {
            var trained = TrainedRun.Load(path);
            var test = trained.TestImages();
            using var run = new RunFolder(path);
            RunArtifacts.Write(trained.Model, test, run, figures, trained.Definition.Training.Seed);
            return [$"{path}: every picture drawn again from {TrainedRun.ModelFile}"];
        }
        return Relabel(path, configuration.Definition);
    }

    /// <summary>Adds labels to the unlabelled grids of a run without its model; a grid already labelled is left alone.</summary>
    private static List<string> Relabel(string path, ExperimentDefinition definition)
    {
        var images = Path.Combine(path, "images");
        var done = new List<string>();
        void Label(string name, Func<ImageGrid, GridLabels?> labels)
        {
            var file = Path.Combine(images, name + ".png");
            if (!File.Exists(file)) return;
            ImageGrid grid;
            try
            {
                grid = ImageGrid.FromTiledImage(PngDecoder.Decode(File.ReadAllBytes(file)), Cell, Cell, Padding);
            }
            catch (InvalidDataException)
            {
                done.Add($"{file}: left as it is (already labelled, or not a grid of {Cell}×{Cell} tiles {Padding} px apart)");
                return;
            }
            if (labels(grid) is not { } chosen)
            {
                done.Add($"{file}: left unlabelled (images/traversals.json, which names its rows, is missing)");
                return;
            }
            FigureFiles.Save(grid.WithLabels(chosen), images, name);
            done.Add($"{file}: labelled");
        }

        Label("reconstructions", grid => PictureGrids.ReconstructionLabels(grid.Rows));
        Label("manifold", grid => PictureGrids.ManifoldLabels(grid.Columns));
        Label("class-conditional", grid => PictureGrids.ClassLabels(grid.Rows, ClassNames(definition.Data)));
        Label("traversals", grid => TraversalRows(images) is { } rows
            ? PictureGrids.TraversalLabels(rows.Dimensions.Select(ParseDimension).ToArray(), rows.Values)
            : null);
        return done;
    }

    private static RunArtifacts.TraversalRows? TraversalRows(string images)
    {
        var file = Path.Combine(images, "traversals.json");
        return File.Exists(file) ? RunFiles.ReadJson<RunArtifacts.TraversalRows>(file, "traversal row list") : null;
    }

    private static int ParseDimension(string name) =>
        name.StartsWith('z') && int.TryParse(name.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int d)
            ? d : throw new InvalidDataException($"images/traversals.json names a row '{name}'; rows are named z0, z1, ….");

    /// <summary>The class names of a dataset, without loading its images.</summary>
    internal static IReadOnlyList<string>? ClassNames(DataSpec data) => data.Dataset switch
    {
        "fashion-mnist" or "fashion-mnist-subset" => FashionMnist.ClassNames,
        "mnist" => Mnist.ClassNames,
        "sprites" or "sprites-colour" => Sprites.ShapeNames,
        InMemoryImages.DatasetName => data.InMemory?.ClassNames,
        _ => null,
    };
}
