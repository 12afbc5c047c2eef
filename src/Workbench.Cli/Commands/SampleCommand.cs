using System.CommandLine;
using Workbench.Evaluation;
using Workbench.Experiments.RunFolders;
using Workbench.IO;
using Workbench.Models;
using Workbench.Plotting.Imaging;
using Workbench.Tensors;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench sample &lt;run-folder&gt; [--count n] [--class c] [--seed s] [--output file.png]</c>:
/// decodes z ~ N(0, I) with a finished run's model into a PNG grid.
/// </summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var run = CommonOptions.RunFolder();
        var count = CommonOptions.AtLeast("--count", 1, 64, "Number of samples.");
        var label = new Option<int?>("--class") { Description = "Class index to condition on (cvae runs only); default: cycle through the classes." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the prior draws.", DefaultValueFactory = _ => 1 };
        var columns = CommonOptions.AtLeast("--columns", 1, 8, "Images per row of the grid.");
        var output = new Option<string?>("--output", "-o")
        {
            Description = "PNG file to write (default: <run-folder>/images/samples-seed<s>[-class<c>].png).",
        };
        var command = new Command("sample", "Draw samples from a finished run's model into a PNG grid.") { run, count, label, seed, columns, output };
        command.SetAction(parse =>
        {
            var trained = TrainedRun.Load(parse.GetValue(run)!);
            int n = parse.GetValue(count);
            ulong s = parse.GetValue(seed);
            int? c = parse.GetValue(label);
            Tensor samples;
            using (GradMode.NoGrad())
            {
                samples = c switch
                {
                    null => Pictures.PriorSamples(trained.Model, n, s),
                    { } k when trained.Model.Conditioning.IsConditional => k >= 0 && k < trained.Model.Conditioning.Classes
                        ? trained.Model.SampleClass(k, n, new Rng(s))
                        : throw new UsageException($"--class {k} is out of range: the model has classes 0 to {trained.Model.Conditioning.Classes - 1}."),
                    _ => throw new UsageException($"--class needs a class-conditional (cvae) run; {trained.Id} is a {trained.Variant}."),
                };
            }
            var path = parse.GetValue(output) ?? Path.Combine(trained.Folder, "images", $"samples-seed{s}" + (c is { } k2 ? $"-class{k2}" : "") + ".png");
            WriteGrid(trained, samples, n, parse.GetValue(columns), path);
            CommonOptions.Out(parse).WriteLine($"Wrote {n} samples to {Path.GetFullPath(path)}");
            return Cli.Success;
        });
        return command;
    }

    /// <summary>Tiles <paramref name="count"/> images of a (count, C·H·W) batch, scaled ×2, into a PNG at <paramref name="path"/>.</summary>
    internal static void WriteGrid(TrainedRun trained, Tensor images, int count, int columns, string path)
    {
        var grid = ImageGrid.FromBatch(images.ToArray(), count, trained.Model.ImageChannels, trained.Model.ImageHeight, trained.Model.ImageWidth, columns: columns, scale: 2);
        AtomicFile.WriteAllBytes(path, grid.ToPng());
    }
}
