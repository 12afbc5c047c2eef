using System.CommandLine;
using Workbench.Experiments.Figures;
using Workbench.Experiments.RunFolders;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench reconstruct &lt;run-folder&gt; [--count n] [--output file.png]</c>: test images and
/// their reconstructions E[x | z = μ(x)] by a finished run's model, as a PNG grid.
/// </summary>
internal static class ReconstructCommand
{
    public static Command Create()
    {
        var run = CommonOptions.RunFolder();
        var count = CommonOptions.AtLeast("--count", 1, 16, "Number of test images to reconstruct.");
        var columns = CommonOptions.AtLeast("--columns", 1, 8, "Images per row: each row of originals is followed by a row of their reconstructions.");
        var output = new Option<string?>("--output", "-o") { Description = "PNG file to write (default: <run-folder>/images/reconstruct-<count>.png)." };
        var command = new Command("reconstruct", "Reconstruct test images with a finished run's model into a PNG grid (originals above reconstructions).")
        {
            run, count, columns, output,
        };
        command.SetAction(parse =>
        {
            var trained = TrainedRun.Load(parse.GetValue(run)!);
            var test = trained.TestImages();
            int n = Math.Min(parse.GetValue(count), test.Count), c = parse.GetValue(columns);
            var path = parse.GetValue(output) ?? Path.Combine(trained.Folder, "images", $"reconstruct-{n}.png");
            Workbench.IO.AtomicFile.WriteAllBytes(path, PictureGrids.Reconstructions(trained.Model, test, n, c).ToPng());
            CommonOptions.Out(parse).WriteLine($"Wrote {n} test images and their reconstructions to {Path.GetFullPath(path)}");
            return Cli.Success;
        });
        return command;
    }
}
