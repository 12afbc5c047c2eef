using System.CommandLine;
using Workbench.Cli.Benchmarks;
using Workbench.Tensors;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench bench &lt;what&gt;</c>: micro-benchmarks of the compute kernels, one subcommand each.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure the speed of a compute kernel.");
        command.Subcommands.Add(CreateGemm());
        command.Subcommands.Add(CreateEpoch());
        command.Subcommands.Add(CreateIwae());
        command.Subcommands.Add(CreateSweep());
        command.Subcommands.Add(CreateGru());
        command.Subcommands.Add(CreateOps());
        command.Subcommands.Add(CreateDataMemory());
        return command;
    }

    private static Command CreateDataMemory()
    {
        var megabytes = CommonOptions.AtLeast("--megabytes", 1, 1024, "Size of the generated uint8 .npy in MiB (images of 64×64).");
        var output = new Option<string?>("--out") { Description = "Write the measurement as JSON to this file (docs/data-memory.json holds the committed one)." };
        var child = new Option<string?>("--child") { Description = "Internal: measure one mode in this process.", Hidden = true };
        var file = new Option<string?>("--file") { Description = "Internal: the .npy a --child measures.", Hidden = true };
        var command = new Command("data-memory",
            "Peak memory of loading a generated ~1 GB uint8 .npy and iterating one epoch, held as bytes, as floats (the baseline) and memory-mapped, each in a fresh process.")
        {
            megabytes, output, child, file,
        };
        command.SetAction(result => result.GetValue(child) is { } mode
            ? DataMemoryBenchmark.Child(mode, result.GetValue(file) ?? throw new UsageException("--child needs --file."), Console.Out)
            : DataMemoryBenchmark.Run(result.GetValue(megabytes), result.GetValue(output) is { } o ? Path.GetFullPath(o) : null, Console.Out));
        return command;
    }

    private static Command CreateOps()
    {
        var repeat = CommonOptions.AtLeast("--repeat", 1, 7, "Timed rounds per op; the median is reported.");
        var command = new Command("ops", "Forward + backward milliseconds of GELU, SiLU, the softmax family and cross-entropy beside PyTorch on one thread.")
        {
            repeat,
        };
        command.SetAction(result => OpsBenchmark.Run(result.GetValue(repeat), Console.Out));
        return command;
    }

    private static Command CreateSweep()
    {
        var epochs = CommonOptions.AtLeast("--epochs", 1, 3, "Epochs per run.");
        var images = new Option<int?>("--images") { Description = "Train on the first N training images only (default: all 60,000)." };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Folder with the Fashion-MNIST IDX files (default: the usual search)." };
        var command = new Command("sweep",
            "Wall time of a 4-point sweep of the reference configuration: sequential with all cores per run versus --parallel 2, and the ratio.")
        {
            epochs, images, dataDirectory,
        };
        command.SetAction(result =>
        {
            if (result.GetValue(images) is < 129) return Fail("bench sweep: --images must be at least 129 (two steps of batch 128).");
            return SweepBenchmark.Run(result.GetValue(epochs), result.GetValue(images), result.GetValue(dataDirectory), Console.Out);
        });
        return command;
    }

    private static Command CreateEpoch()
    {
        var epochs = new Option<int>("--epochs") { Description = "Timed epochs (after one warm-up epoch); the median is reported.", DefaultValueFactory = _ => 3 };
        var architecture = new Option<string>("--architecture")
        {
            Description = "mlp: the reference configuration 784-400-20; conv: the convolutional VAE (conv 1→32→64, latent 20); " +
                          "conv-bn: the batch-norm conv VAE (VanillaVAE shape, 3×3 conv 1→32→64→128 with BatchNorm2d and LeakyReLU, latent 20); " +
                          "sequence: the sequence VAE (embedding 128, GRUs of 192, latent 32) on WordNet's definition sentences.",
            DefaultValueFactory = _ => "mlp",
        };
        architecture.AcceptOnlyFromAmong("mlp", "conv", "conv-bn", "sequence");
        var noPyTorch = new Option<bool>("--no-pytorch") { Description = "Do not run the PyTorch peer." };
        var pyTorchThreads = new Option<int[]>("--pytorch-blas-threads")
        {
            Description = "OpenBLAS thread counts to run the PyTorch peer with (one OpenMP thread each); the best is compared (default 2, its fastest here).",
            DefaultValueFactory = _ => [2],
            AllowMultipleArgumentsPerToken = true,
        };
        var ourThreads = new Option<int[]>("--threads")
        {
            Description = "Compute-thread settings our epochs run with, in turn; the first is compared with the peers " +
                          "(default: every logical core, then 1, which prints the scaling; e.g. --threads 2 for the first alone).",
            AllowMultipleArgumentsPerToken = true,
        };
        var libTorchThreads = LibTorchThreadsOption();
        var images = new Option<int?>("--images") { Description = "Train on the first N training images only (default: all 60,000)." };
        var dataDirectory = new Option<string?>("--data-dir")
        {
            Description = "Folder with the Fashion-MNIST IDX files (default: the usual search); with --architecture sequence, the WordNet folder (default /usr/share/wordnet).",
        };
        var batches = new Option<int?>("--batches") { Description = "--architecture sequence: time the first N batches of each epoch (default: whole epochs)." };
        var command = new Command("epoch",
            "Seconds per training epoch on full Fashion-MNIST (or WordNet's definitions for the sequence VAE) beside the PyTorch peer of the same model run in the same command, " +
            "allocations per step and peak working set.")
        {
            epochs, architecture, noPyTorch, pyTorchThreads, libTorchThreads, ourThreads, images, dataDirectory, batches,
        };
        command.SetAction(result =>
        {
            int n = result.GetValue(epochs);
            if (n < 1) return Fail("bench epoch: --epochs must be at least 1.");
            var threads = result.GetValue(noPyTorch) ? [] : result.GetValue(pyTorchThreads) ?? [2];
            if (threads.Any(t => t < 1)) return Fail("bench epoch: --pytorch-blas-threads values must be at least 1.");
            var libTorch = result.GetValue(libTorchThreads) ?? [];
            if (libTorch.Any(t => t < 1)) return Fail($"bench epoch: --libtorch-threads values must be at least 1, got {string.Join(",", libTorch)}.");
            // By default every core and then one, so the two-thread scaling is printed beside the epochs.
            int[] settings = result.GetValue(ourThreads) is { Length: > 0 } given ? given : ComputeThreads.Count > 1 ? [ComputeThreads.Count, 1] : [1];
            if (settings.Any(t => t < 1) || settings.Distinct().Count() != settings.Length)
                return Fail($"bench epoch: --threads takes distinct thread counts of at least 1, got {string.Join(" ", settings)}.");
            if (result.GetValue(architecture) == "sequence")
            {
                if (libTorch.Length > 0) return Fail("bench epoch: --libtorch-threads applies to the image models (mlp, conv, conv-bn), not to --architecture sequence.");
                if (result.GetResult(ourThreads) is not null) return Fail("bench epoch: --threads applies to the image models (mlp, conv, conv-bn), not to --architecture sequence.");
                if (result.GetValue(images) is not null) return Fail("bench epoch: --images applies to the image models; use --batches with --architecture sequence.");
                if (result.GetValue(batches) is < 1) return Fail($"bench epoch: --batches must be at least 1, got {result.GetValue(batches)}.");
                // Both BLAS settings unless asked otherwise: the sequence peer's best differs between them from run to run.
                var sequenceThreads = result.GetValue(noPyTorch) ? [] : result.GetResult(pyTorchThreads) is { Implicit: false } ? threads : [1, 2];
                return SequenceEpochBenchmark.Run(n, result.GetValue(batches), sequenceThreads, result.GetValue(dataDirectory), Console.Out);
            }
            if (result.GetValue(batches) is not null) return Fail("bench epoch: --batches applies to --architecture sequence only.");
            if (result.GetValue(images) is < 129) return Fail("bench epoch: --images must be at least 129 (two steps of batch 128).");
            var arch = result.GetValue(architecture) switch
            {
                "conv" => Workbench.Models.Architecture.Conv,
                "conv-bn" => Workbench.Models.Architecture.ConvBn,
                _ => Workbench.Models.Architecture.Mlp,
            };
            return EpochBenchmark.Run(arch, n, settings, threads, libTorch, result.GetValue(images), result.GetValue(dataDirectory), Console.Out);
        });
        return command;
    }

    /// <summary>--libtorch-threads 1,2 (or 1 2): the libtorch 2.10 peer's thread settings; none unless asked, since its first run builds it.</summary>
    private static Option<int[]> LibTorchThreadsOption() => new("--libtorch-threads")
    {
        Description = "Also run the libtorch 2.10 peer (TorchSharp 0.107, tests/reference/libtorch-peer, built on first use) with these intra-op " +
                      "thread counts, e.g. 1,2 (one inter-op thread each); its best is compared separately. Default: no libtorch peer.",
        AllowMultipleArgumentsPerToken = true,
        CustomParser = result =>
        {
            var values = new List<int>();
            foreach (var part in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
            {
                if (int.TryParse(part, out int value)) values.Add(value);
                else result.AddError($"--libtorch-threads takes whole numbers such as 1,2; got '{part}'.");
            }
            return [.. values];
        },
    };

    private static Command CreateIwae()
    {
        var samples = new Option<int>("--samples", "-k") { Description = "Importance samples k per image.", DefaultValueFactory = _ => 5000 };
        var images = new Option<int?>("--images") { Description = "Evaluate the first N test images only (default: all 10,000)." };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Folder with the Fashion-MNIST IDX files (default: the usual search)." };
        var threads = new Option<int?>("--threads") { Description = "Compute threads (default: every logical core); 1 makes the CPU-time ratio a clean count of work." };
        var command = new Command("iwae",
            "Seconds for the importance-weighted bound of the reference configuration on the test images, beside the GEMM floor of its decoder FLOPs.")
        {
            samples, images, dataDirectory, threads,
        };
        command.SetAction(result =>
        {
            if (result.GetValue(samples) < 1) return Fail("bench iwae: --samples must be at least 1.");
            if (result.GetValue(images) is < 1) return Fail("bench iwae: --images must be at least 1.");
            if (result.GetValue(threads) is { } t)
            {
                if (t < 1) return Fail($"bench iwae: --threads must be at least 1, got {t}.");
                Workbench.Tensors.ComputeThreads.Count = t;
            }
            return IwaeBenchmark.Run(result.GetValue(samples), result.GetValue(images), result.GetValue(dataDirectory), Console.Out);
        });
        return command;
    }

    private static Command CreateGru()
    {
        var batch = CommonOptions.AtLeast("--batch", 1, 64, "Sequences per batch.");
        var steps = CommonOptions.AtLeast("--steps", 1, 32, "Time steps per sequence.");
        var input = CommonOptions.AtLeast("--input", 1, 128, "Input features per step (an embedding's width).");
        var hidden = CommonOptions.AtLeast("--hidden", 1, 256, "Hidden units.");
        var rounds = CommonOptions.AtLeast("--rounds", 1, 7, "Timed rounds per side, alternating, after one warm-up round.");
        var stepsPerRound = CommonOptions.AtLeast("--steps-per-round", 1, 5, "Forward + backward steps per round.");
        var noPyTorch = new Option<bool>("--no-pytorch") { Description = "Do not run the PyTorch peer." };
        var pyTorchThreads = new Option<int[]>("--pytorch-blas-threads")
        {
            Description = "OpenBLAS thread counts to run the PyTorch peer with (one OpenMP thread each); the best is compared.",
            DefaultValueFactory = _ => [1, 2],
            AllowMultipleArgumentsPerToken = true,
        };
        var threads = new Option<int?>("--threads") { Description = "Compute threads (default: every logical core)." };
        var command = new Command("gru",
            "Milliseconds per forward + backward step of one GRU layer (batch 64, 32 steps, 128 → 256) beside PyTorch's nn.GRU run in the same command, and the allocation per step.")
        {
            batch, steps, input, hidden, rounds, stepsPerRound, noPyTorch, pyTorchThreads, threads,
        };
        command.SetAction(result =>
        {
            var blasThreads = result.GetValue(noPyTorch) ? [] : result.GetValue(pyTorchThreads) ?? [1, 2];
            if (blasThreads.Any(t => t < 1)) return Fail("bench gru: --pytorch-blas-threads values must be at least 1.");
            if (result.GetValue(threads) is { } t)
            {
                if (t < 1) return Fail($"bench gru: --threads must be at least 1, got {t}.");
                Workbench.Tensors.ComputeThreads.Count = t;
            }
            return GruBenchmark.Run(result.GetValue(batch), result.GetValue(steps), result.GetValue(input), result.GetValue(hidden),
                result.GetValue(rounds), result.GetValue(stepsPerRound), blasThreads, Console.Out);
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
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
