using System.Diagnostics;
using System.Text.Json;
using Workbench.Data;
using Workbench.Models;
using Workbench.Tensors;
using Workbench.Training;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// Seconds per training epoch of the reference configuration (784-400-20, Bernoulli, Adam 1e-3,
/// batch 128, full Fashion-MNIST) beside the PyTorch peer run in the same command, plus the memory
/// a steady-state training step allocates.
/// </summary>
internal static class EpochBenchmark
{
    /// <summary>The PyTorch peer is fastest here with one OpenMP thread and two OpenBLAS threads.</summary>
    private static readonly Dictionary<string, string> PyTorchEnvironment = new() { ["OMP_NUM_THREADS"] = "1", ["OPENBLAS_NUM_THREADS"] = "2" };

    public static int Run(int epochs, bool withPyTorch, string? dataDirectory, TextWriter output)
    {
        var train = FashionMnist.Load(dataDirectory, DatasetSplit.Train);
        output.WriteLine($"Reference configuration, {train.Count} training images, {epochs} timed epoch(s) after one warm-up epoch.");

        var ours = TimeOurs(train, epochs, output);
        double? theirs = withPyTorch ? TimePyTorch(epochs, output) : null;

        output.WriteLine();
        output.WriteLine($"{"",-28}{"s/epoch",10}");
        output.WriteLine($"{"Workbench (C#)",-28}{ours.SecondsPerEpoch,10:F2}");
        if (theirs is { } t)
        {
            output.WriteLine($"{"PyTorch 1.13 (OMP 1, BLAS 2)",-28}{t,10:F2}");
            double ratio = ours.SecondsPerEpoch / t;
            output.WriteLine($"ratio Workbench / PyTorch: {ratio:F2} (target ≤ 0.60: {(ratio <= 0.6 ? "met" : "not met")})");
        }
        output.WriteLine($"steady-state step: {ours.BytesPerStep:N0} bytes allocated per step on the training thread " +
                         $"(batch 128 of 784 floats is {128 * 784 * 4:N0} bytes), {ours.Gen0PerEpoch:F1} gen-0 collections per epoch");
        return 0;
    }

    private sealed record OurTiming(double SecondsPerEpoch, long BytesPerStep, double Gen0PerEpoch);

    private static OurTiming TimeOurs(ImageDataset train, int epochs, TextWriter output)
    {
        var model = VariationalAutoencoder.Create(new VaeConfig(), new Rng(1));
        var trainer = new Trainer(model, new TrainingOptions { Epochs = epochs + 1, ShowProgress = false, EvaluateEachEpoch = false });
        long allocatedAtStep50 = 0, bytesPerStep = 0;
        int gen0AtStart = 0, gen0AtEnd = 0;
        trainer.BatchCompleted += b =>
        {
            if (b.Epoch != 2) return;
            if (b.Batch == 1) gen0AtStart = GC.CollectionCount(0);
            if (b.Batch == 50) allocatedAtStep50 = GC.GetAllocatedBytesForCurrentThread();
            if (b.Batch == 250) bytesPerStep = (GC.GetAllocatedBytesForCurrentThread() - allocatedAtStep50) / 200;
            if (b.Batch == b.BatchesPerEpoch) gen0AtEnd = GC.CollectionCount(0);
        };
        trainer.EpochCompleted += m => output.WriteLine($"  Workbench epoch {m.Epoch}{(m.Epoch == 1 ? " (warm-up)" : "")}: {m.Seconds:F2} s, train loss {m.TrainLoss:F2}");
        var result = trainer.Fit(train);
        var timed = result.History.Skip(1).Select(m => m.Seconds).Order().ToArray();
        return new OurTiming(timed[timed.Length / 2], bytesPerStep, gen0AtEnd - gen0AtStart);
    }

    private static double? TimePyTorch(int epochs, TextWriter output)
    {
        var script = FindScript();
        if (script is null || !File.Exists("/usr/bin/python3"))
        {
            output.WriteLine("  PyTorch peer skipped: needs /usr/bin/python3 with PyTorch (apt-get install python3-torch) and tests/reference/pytorch_vae.py.");
            return null;
        }
        var start = new ProcessStartInfo("/usr/bin/python3", [script, "bench", "--epochs", epochs.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in PyTorchEnvironment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (process.ExitCode != 0 || line is null)
        {
            output.WriteLine($"  PyTorch peer failed (exit {process.ExitCode}): {stderr.Trim().Split('\n').LastOrDefault()}");
            return null;
        }
        double seconds = JsonDocument.Parse(line).RootElement.GetProperty("seconds_per_epoch").GetDouble();
        output.WriteLine($"  PyTorch: {seconds:F2} s per epoch (median of {epochs})");
        return seconds;
    }

    private static string? FindScript()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "reference", "pytorch_vae.py");
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
