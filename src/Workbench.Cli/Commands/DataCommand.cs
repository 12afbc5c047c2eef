using System.CommandLine;
using Workbench.Data;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench data</c>: dataset maintenance (<c>make-subset</c> regenerates the bundled Fashion-MNIST subset).</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Dataset maintenance.");
        command.Subcommands.Add(MakeSubset());
        return command;
    }

    private static Command MakeSubset()
    {
        var source = new Option<string?>("--source")
        {
            Description = "Folder with the full Fashion-MNIST IDX files (default: the usual search, e.g. $WORKBENCH_FASHION_MNIST, data/fashion-mnist, /usr/share/datasets/fashion-mnist).",
        };
        var output = new Option<string?>("--output")
        {
            Description = "Where to write the subset (default: src/Workbench/Data/Bundled/fashion-mnist-subset in this repository).",
        };
        var seed = new Option<ulong>("--seed")
        {
            Description = "Seed of the per-class permutations.",
            DefaultValueFactory = _ => BundledSubset.DefaultSeed,
        };
        var trainPerClass = new Option<int>("--train-per-class")
        {
            Description = "Training images per class.",
            DefaultValueFactory = _ => BundledSubset.TrainPerClass,
        };
        var testPerClass = new Option<int>("--test-per-class")
        {
            Description = "Test images per class.",
            DefaultValueFactory = _ => BundledSubset.TestPerClass,
        };

        var command = new Command("make-subset",
            "Regenerate the class-balanced Fashion-MNIST subset embedded in Workbench.dll (deterministic: same files, same seed, same bytes).");
        command.Options.Add(source);
        command.Options.Add(output);
        command.Options.Add(seed);
        command.Options.Add(trainPerClass);
        command.Options.Add(testPerClass);
        command.SetAction(parse =>
        {
            try
            {
                return Run(parse.GetValue(source), parse.GetValue(output), parse.GetValue(seed), parse.GetValue(trainPerClass), parse.GetValue(testPerClass));
            }
            catch (Exception e) when (e is DataFileException or DatasetUnavailableException or ArgumentException or InvalidOperationException)
            {
                Console.Error.WriteLine($"make-subset: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static int Run(string? source, string? output, ulong seed, int trainPerClass, int testPerClass)
    {
        string outputDirectory = output ?? DefaultOutput();
        var perClass = new Dictionary<DatasetSplit, int>
        {
            [DatasetSplit.Train] = trainPerClass,
            [DatasetSplit.Test] = testPerClass,
        };
        foreach (var (split, count) in perClass)
        {
            var full = FashionMnist.Load(source, split);
            var indices = BundledSubset.StratifiedIndices(full.Labels, full.ClassNames.Count, count, seed);
            var (images, labels) = FashionMnist.Spec.Files(split);
            BundledSubset.WriteIdx(full, indices, outputDirectory, images.FileName, labels.FileName);
            Console.WriteLine($"{split}: {indices.Length} of {full.Count} images ({count} per class, seed {seed})");
        }

        long total = 0;
        foreach (var file in Directory.EnumerateFiles(outputDirectory, "*.gz").Order(StringComparer.Ordinal))
        {
            long size = new FileInfo(file).Length;
            total += size;
            Console.WriteLine($"  {file}  {size:N0} bytes");
        }
        Console.WriteLine($"  total {total:N0} bytes. Rebuild Workbench to embed them.");
        return 0;
    }

    private static string DefaultOutput()
    {
        string? root = DataFiles.FindRepoRoot(Environment.CurrentDirectory);
        if (root is null || !File.Exists(Path.Combine(root, "src", "Workbench", "Workbench.csproj")))
            throw new InvalidOperationException("Not inside the Workbench repository: pass --output.");
        return Path.Combine(root, "src", "Workbench", "Data", "Bundled", "fashion-mnist-subset");
    }
}
