using System.CommandLine;
using Workbench.Cli.Benchmarks;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench bench &lt;what&gt;</c>: micro-benchmarks of the compute kernels, one subcommand each.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure the speed of a compute kernel.");
        command.Subcommands.Add(CreateGemm());
        command.Subcommands.Add(CreateEpoch());
        return command;
    }

    private static Command CreateEpoch()
    {
        var epochs = new Option<int>("--epochs") { Description = "Timed epochs (after one warm-up epoch); the median is reported.", DefaultValueFactory = _ => 3 };
        var noPyTorch = new Option<bool>("--no-pytorch") { Description = "Do not run the PyTorch peer." };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Folder with the Fashion-MNIST IDX files (default: the usual search)." };
        var command = new Command("epoch",
            "Seconds per training epoch of the reference configuration on full Fashion-MNIST, beside PyTorch 1.13 run in the same command, and allocations per step.")
        {
            epochs, noPyTorch, dataDirectory,
        };
        command.SetAction(result =>
        {
            int n = result.GetValue(epochs);
            if (n < 1)
            {
                Console.Error.WriteLine("bench epoch: --epochs must be at least 1.");
                return 2;
            }
            return EpochBenchmark.Run(n, !result.GetValue(noPyTorch), result.GetValue(dataDirectory), Console.Out);
        });
        return command;
    }

    private static Command CreateGemm()
    {
        var repeat = new Option<int>("--repeat")
        {
            Description = "Timed rounds per shape (the median is reported).",
            DefaultValueFactory = _ => 7,
        };
        var threads = new Option<int>("--threads")
        {
            Description = "Threads for both libraries (default: each library's own default).",
        };
        var shape = new Option<string>("--shape")
        {
            Description = "Only shapes whose name contains this text (e.g. \"enc\", \"square\").",
            DefaultValueFactory = _ => "",
        };
        var command = new Command("gemm", "SGEMM GFLOP/s on the VAE training shapes and 1024³, next to OpenBLAS when libopenblas.so.0 is present.");
        command.Options.Add(repeat);
        command.Options.Add(threads);
        command.Options.Add(shape);
        command.SetAction(result =>
        {
            int repeats = result.GetValue(repeat);
            if (repeats < 1)
            {
                Console.Error.WriteLine("bench gemm: --repeat must be at least 1.");
                return 2;
            }
            GemmBenchmark.Run(repeats, result.GetValue(threads), result.GetValue(shape) ?? "", Console.Out);
            return 0;
        });
        return command;
    }
}
