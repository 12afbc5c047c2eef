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
        double before = DecoderSecondsPerRow(config, hidden);
        var clock = Stopwatch.StartNew();
        var result = ImportanceWeightedBound.Evaluate(model, test, samples, seed: 1);
        double measured = clock.Elapsed.TotalSeconds;
        double after = DecoderSecondsPerRow(config, hidden);

        // The faster of the two floor measurements: the machine is shared, so take the lower (stricter) floor.
        double floor = Math.Min(before, after) * rows;
        output.WriteLine($"  −L_k = {result.NegativeLogLikelihoodBound:F2} nats per image");
        output.WriteLine($"  GEMM rate on the decoder shapes ({ChunkRows}×{hidden}×{config.LatentSize}, {ChunkRows}×{config.Pixels}×{hidden}): " +
                         $"{decoderFlops / floor / 1e9:F1} GFLOP/s (before {decoderFlops / (before * rows) / 1e9:F1}, after {decoderFlops / (after * rows) / 1e9:F1})");
        output.WriteLine($"At the end: {MachineLoad.Describe()}.");
        output.WriteLine();
        output.WriteLine($"{"GEMM floor",-22}{floor,10:F2} s");
        output.WriteLine($"{"measured",-22}{measured,10:F2} s");
        double ratio = measured / floor;
        output.WriteLine($"ratio measured / floor: {ratio:F2} (target ≤ {RatioTarget:F2}: {(ratio <= RatioTarget ? "met" : "not met")})");
        output.WriteLine($"peak working set of this process: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0):F0} MB");
        return 0;
    }

    /// <summary>Seconds per decoder row of the two decoder products at the chunk shape, median of rounds of ≥ 0.2 s.</summary>
    private static double DecoderSecondsPerRow(VaeConfig config, int hidden)
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
        var rounds = new List<double>();
        for (int round = 0; round < 5; round++)
        {
            int calls = 0;
            long start = Stopwatch.GetTimestamp();
            do
            {
                Decode();
                calls++;
            } while (Stopwatch.GetElapsedTime(start).TotalSeconds < 0.2);
            rounds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds / calls / ChunkRows);
        }
        return rounds.Order().ElementAt(rounds.Count / 2);
    }
}
