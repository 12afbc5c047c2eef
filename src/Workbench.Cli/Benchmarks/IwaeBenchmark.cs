using System.Diagnostics;
using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Kernels;
using Workbench.Models;
using Workbench.Tensors;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// The importance-weighted bound (<see cref="ImportanceWeightedBound.Evaluate"/>) of the reference
/// configuration (784-400-20) on the test images, timed beside its GEMM floor: the time the decoder's two
/// matrix products alone take at the rate this machine's GEMM reaches on the same shapes, measured in the
/// same run. Everything else the bound does (encoding, sampling, the Bernoulli likelihood, log-sum-exp) is
/// what the ratio charges above the floor.
/// </summary>
internal static class IwaeBenchmark
{
    private const double RatioTarget = 1.3;

    /// <summary>Decoder rows per chunk, as <see cref="ImportanceWeightedBound.Evaluate"/> uses by default.</summary>
    private const int ChunkRows = 4096;

    public static int Run(int samples, int? images, string? dataDirectory, TextWriter output)
    {
        var test = FashionMnist.Load(dataDirectory, DatasetSplit.Test);
        if (images is { } limit && limit < test.Count) test = test.Subset(Enumerable.Range(0, limit).ToArray());
        var config = new VaeConfig();
        var model = VariationalAutoencoder.Create(config, new Rng(1));
        int hidden = config.HiddenSizes[^1];
        long rows = (long)test.Count * samples;
        double decoderFlops = 2.0 * rows * ((double)config.LatentSize * hidden + (double)hidden * config.Pixels);
        output.WriteLine($"Importance-weighted bound, k = {samples}, {test.Count} test images, reference configuration " +
                         $"(784-400-20, freshly initialised: the cost does not depend on the weights); {rows:N0} decoder rows, {decoderFlops / 1e12:F2} TFLOP in the decoder's GEMMs.");

        output.WriteLine($"At the start: {MachineLoad.Describe()}.");
        var before = DecoderSecondsPerRow(config, hidden);
        // One untimed image first, so the timed run uses fully optimised code, as the floor's warmed-up GEMM does.
        ImportanceWeightedBound.Evaluate(model, test.Subset([0]), samples, seed: 1);
        var clock = Stopwatch.StartNew();
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var result = ImportanceWeightedBound.Evaluate(model, test, samples, seed: 1);
        double measured = clock.Elapsed.TotalSeconds;
        double measuredCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        var after = DecoderSecondsPerRow(config, hidden);

        // The faster of the two floor measurements: the machine is shared, so take the lower (stricter) floor.
        double floor = Math.Min(before.Wall, after.Wall) * rows;
        double floorCpu = Math.Min(before.Cpu, after.Cpu) * rows;
        output.WriteLine($"  −L_k = {result.NegativeLogLikelihoodBound:F2} nats per image");
        output.WriteLine($"  GEMM rate on the decoder shapes ({ChunkRows}×{hidden}×{config.LatentSize}, {ChunkRows}×{config.Pixels}×{hidden}): " +
                         $"{decoderFlops / floor / 1e9:F1} GFLOP/s (before {decoderFlops / (before.Wall * rows) / 1e9:F1}, after {decoderFlops / (after.Wall * rows) / 1e9:F1}), {ComputeThreads.Count} thread(s)");
        output.WriteLine($"At the end: {MachineLoad.Describe()}.");
        output.WriteLine();
        output.WriteLine($"{"GEMM floor",-22}{floor,10:F2} s");
        output.WriteLine($"{"measured",-22}{measured,10:F2} s");
        double ratio = measured / floor;
        output.WriteLine($"ratio measured / floor: {ratio:F2} (target ≤ {RatioTarget:F2}: {(ratio <= RatioTarget ? "met" : "not met")})");
        // Process CPU time counts the work done rather than the time other processes held the cores, so on a busy
        // machine it is the steadier ratio; with more than one thread it also counts the workers' waits.
        output.WriteLine($"process CPU time: {measuredCpu:F2} s against a floor of {floorCpu:F2} s, ratio {measuredCpu / floorCpu:F2}" +
                         (ComputeThreads.Count > 1 ? " (includes the worker threads' waits)" : ""));
        output.WriteLine($"peak working set of this process: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0):F0} MB");
        return 0;
    }

    /// <summary>Wall and process CPU seconds per decoder row of the two decoder products at the chunk shape, median of rounds of ≥ 0.2 s.</summary>
    private static (double Wall, double Cpu) DecoderSecondsPerRow(VaeConfig config, int hidden)
    {
        var rng = new Rng(7);
        var z = new float[ChunkRows * config.LatentSize];
        var w1 = new float[hidden * config.LatentSize];
        var h = new float[ChunkRows * hidden];
        var w2 = new float[config.Pixels * hidden];
        var logits = new float[ChunkRows * config.Pixels];
        foreach (var a in new[] { z, w1, h, w2 }) rng.FillUniform(a, -1f, 1f);
        void Decode()
        {
            // The Linear layers' forward products, x·Wᵀ with the bias already in C (β = 1).
            Gemm.Multiply(false, true, ChunkRows, hidden, config.LatentSize, 1f, z, config.LatentSize, w1, config.LatentSize, 1f, h, hidden);
            Gemm.Multiply(false, true, ChunkRows, config.Pixels, hidden, 1f, h, hidden, w2, hidden, 1f, logits, config.Pixels);
        }
        for (int i = 0; i < 3; i++) Decode();
        var rounds = new List<(double Wall, double Cpu)>();
        using var process = Process.GetCurrentProcess();
        for (int round = 0; round < 5; round++)
        {
            int calls = 0;
            long start = Stopwatch.GetTimestamp();
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            do
            {
                Decode();
                calls++;
            } while (Stopwatch.GetElapsedTime(start).TotalSeconds < 0.2);
            process.Refresh();
            rounds.Add((Stopwatch.GetElapsedTime(start).TotalSeconds / calls / ChunkRows, (process.TotalProcessorTime - cpuStart).TotalSeconds / calls / ChunkRows));
        }
        return (rounds.Select(r => r.Wall).Order().ElementAt(rounds.Count / 2), rounds.Select(r => r.Cpu).Order().ElementAt(rounds.Count / 2));
    }
}
