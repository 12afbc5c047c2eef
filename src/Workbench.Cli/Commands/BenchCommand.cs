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
