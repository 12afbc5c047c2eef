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
/// what the ratio charges above the floor. The images are timed in segments, each right after a round of
/// the floor, so a change in the machine's speed during the run moves both sides of the ratio alike.
/// </summary>
internal static class IwaeBenchmark
{
    private const double RatioTarget = 1.3;

    /// <summary>Decoder rows per chunk, as <see cref="ImportanceWeightedBound.Evaluate"/> uses by default.</summary>
    private const int ChunkRows = 4096;

    /// <summary>The timed images are evaluated in this many segments, each right after a floor round.</summary>
    private const int Segments = 8;

    /// <summary>Images evaluated untimed first, so every kernel runs its fully optimised code (as it does through a 10,000-image run).</summary>
    private const int WarmUpImages = 25;

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

        ImportanceWeightedBound.Evaluate(model, test.Subset(Enumerable.Range(0, Math.Min(WarmUpImages, test.Count)).ToArray()), samples, seed: 2);
        DecoderSecondsPerRow(config, hidden);

        // The machine's speed drifts (other tenants, clocks): each segment of the images is timed right after a
        // floor round, and the floor charged to a segment is that round's rate times the segment's rows.
        double measured = 0, measuredCpu = 0, floor = 0, floorCpu = 0, fastestFloorPerRow = double.MaxValue, total = 0;
        int segments = Math.Min(Segments, test.Count);
        using var process = Process.GetCurrentProcess();
        for (int s = 0; s < segments; s++)
        {
            int first = (int)((long)test.Count * s / segments), end = (int)((long)test.Count * (s + 1) / segments);
            var segment = test.Subset(Enumerable.Range(first, end - first).ToArray());
            var round = DecoderSecondsPerRow(config, hidden);
            long segmentRows = (long)segment.Count * samples;
            floor += round.Wall * segmentRows;
            floorCpu += round.Cpu * segmentRows;
            fastestFloorPerRow = Math.Min(fastestFloorPerRow, round.Wall);

            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var result = ImportanceWeightedBound.Evaluate(model, segment, samples, seed: 1 + (ulong)s);
            measured += clock.Elapsed.TotalSeconds;
            process.Refresh();
            measuredCpu += (process.TotalProcessorTime - cpuStart).TotalSeconds;
            total += result.NegativeLogLikelihoodBound * segment.Count;
        }

        output.WriteLine($"  −L_k = {total / test.Count:F2} nats per image");
        output.WriteLine($"  GEMM rate on the decoder shapes ({ChunkRows}×{hidden}×{config.LatentSize}, {ChunkRows}×{config.Pixels}×{hidden}): " +
                         $"{decoderFlops / floor / 1e9:F1} GFLOP/s over the {segments} floor rounds (fastest {decoderFlops / (fastestFloorPerRow * rows) / 1e9:F1}), {ComputeThreads.Count} thread(s)");
        output.WriteLine($"At the end: {MachineLoad.Describe(afterOwnWork: true)}.");
        output.WriteLine();
        output.WriteLine($"{"GEMM floor",-22}{floor,10:F2} s");
        output.WriteLine($"{"measured",-22}{measured,10:F2} s");
        double ratio = measured / floor;
        output.WriteLine($"ratio measured / floor: {ratio:F2} (target ≤ {RatioTarget:F2}: {(ratio <= RatioTarget ? "met" : "not met")}); " +
                         $"against the fastest floor round: {measured / (fastestFloorPerRow * rows):F2}");
        // Process CPU time counts the work done rather than the time other processes held the cores, so on a busy
        // machine it is the steadier ratio; with more than one thread it also counts the workers' waits.
        output.WriteLine($"process CPU time: {measuredCpu:F2} s against a floor of {floorCpu:F2} s, ratio {measuredCpu / floorCpu:F2}" +
                         (ComputeThreads.Count > 1 ? " (includes the worker threads' waits)" : ""));
        output.WriteLine($"peak working set of this process: {process.PeakWorkingSet64 / (1024.0 * 1024.0):F0} MB");
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
            // The Linear layers' products x·Wᵀ alone: β = 0, no bias, no activation (the layers add theirs in the
            // same pass over C, so this floor is the stricter one).
            Gemm.Multiply(false, true, ChunkRows, hidden, config.LatentSize, 1f, z, config.LatentSize, w1, config.LatentSize, 0f, h, hidden);
            Gemm.Multiply(false, true, ChunkRows, config.Pixels, hidden, 1f, h, hidden, w2, hidden, 0f, logits, config.Pixels);
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
