using System.Diagnostics;
using Workbench.NN;
using Workbench.Tensors;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// One GRU layer's forward and backward (loss = output.Sum()) at the shape of a sentence VAE's encoder (Bowman et al.,
/// 2016): batch 64, 32 steps, input 128 (an embedding's width), hidden 256; beside PyTorch 1.13's <c>nn.GRU</c> doing the
/// same in tests/reference/pytorch_gru.py, run in the same command. Rounds alternate between the sides (ours, then each
/// peer setting), so both see the same minutes of a shared machine; the first round of each side is a warm-up.
/// </summary>
internal static class GruBenchmark
{
    /// <summary>Target for our median step as a fraction of PyTorch's best setting's median.</summary>
    private const double RatioTarget = 0.8;

    public static int Run(int batch, int steps, int input, int hidden, int rounds, int stepsPerRound, IReadOnlyList<int> pyTorchBlasThreads, TextWriter output)
    {
        output.WriteLine($"GRU layer forward + backward: batch {batch}, {steps} steps, input {input}, hidden {hidden}; " +
                         $"{rounds} rounds of {stepsPerRound} steps per side after a warm-up round, {ComputeThreads.Count} compute thread(s).");
        output.WriteLine($"At the start: {MachineLoad.Describe()}.");
        var gru = new GRU(input, hidden, new Rng(1));
        var x = Tensor.Randn(new Rng(2), batch, steps, input); // stands for an embedding's output
        x.RequiresGrad = true;
        var pool = new BufferPool();
        void Step()
        {
            using var scope = TensorScope.Begin(pool);
            gru.ZeroGrad();
            x.ZeroGrad();
            gru.Forward(x).Output.Sum().Backward();
        }

        var peers = new List<PeerSession>();
        string[] arguments = ["--batch", batch.ToString(), "--steps", steps.ToString(), "--input", input.ToString(), "--hidden", hidden.ToString()];
        var ours = new List<double>();
        var theirs = pyTorchBlasThreads.ToDictionary(t => t, _ => new List<double>());
        long allocated = 0;
        int allocatedSteps = 0;
        try
        {
            foreach (int threads in pyTorchBlasThreads)
                if (PyTorchPeer.Start("pytorch_gru.py", arguments, threads, output) is { } peer) peers.Add(peer);
            for (int round = 0; round <= rounds; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int s = 0; s < stepsPerRound; s++)
                {
                    long start = Stopwatch.GetTimestamp();
                    Step();
                    if (round > 0) ours.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                }
                if (round > 0)
                {
                    allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                    allocatedSteps += stepsPerRound;
                }
                foreach (var peer in peers)
                    if (peer.Request($"run {stepsPerRound}", "seconds") is { } seconds && round > 0)
                        theirs[peer.Threads].AddRange(seconds.EnumerateArray().Select(v => v.GetDouble()));
            }
        }
        finally
        {
            foreach (var peer in peers) peer.Dispose();
        }

        output.WriteLine($"At the end: {MachineLoad.Describe(afterOwnWork: true)}.");
        output.WriteLine();
        output.WriteLine($"{"",-34}{"median ms",10}{"best ms",10}   (per forward + backward step)");
        output.WriteLine($"{"Workbench (C#)",-34}{Median(ours) * 1e3,10:F1}{ours.Min() * 1e3,10:F1}");
        var measured = theirs.Where(t => t.Value.Count == ours.Count).ToList();
        foreach (var (threads, seconds) in measured)
            output.WriteLine($"{$"PyTorch 1.13 (OMP 1, BLAS {threads})",-34}{Median(seconds) * 1e3,10:F1}{seconds.Min() * 1e3,10:F1}");
        if (measured.Count > 0)
        {
            var best = measured.MinBy(t => Median(t.Value));
            double ratio = Median(ours) / Median(best.Value);
            output.WriteLine($"ratio Workbench / PyTorch's best (BLAS {best.Key}), medians: {ratio:F2} (target ≤ {RatioTarget:F2}: {(ratio <= RatioTarget ? "met" : "not met")}); " +
                             $"best against best: {ours.Min() / best.Value.Min():F2}");
        }
        output.WriteLine($"steady-state step: {allocated / (double)allocatedSteps:N0} bytes allocated per step on the calling thread " +
                         $"(the input is {batch * steps * input * 4:N0} bytes), pool holds {pool.Count} buffers");
        return 0;
    }

    private static double Median(IEnumerable<double> values) => PeerComparison.Median(values);
}
