using System.Diagnostics;
using Workbench.Data;
using Workbench.Models;
using Workbench.Tensors;
using Workbench.Training;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// Seconds per training epoch (Adam 1e-3, batch 128, full Fashion-MNIST) of the reference configuration
/// (784-400-20 MLP) or of the convolutional VAE, beside the PyTorch 1.13 and libtorch 2.10 peers of the same model
/// run in the same command, plus the memory a steady-state training step allocates and the process's peak working set.
/// </summary>
/// <remarks>
/// Each epoch is timed from its first step to its last; the test-set evaluation that follows it (as in a
/// training run, so the peak working set is that of a real run) is not timed. The peer runs as a separate
/// process that trains one epoch when asked: after each of our epochs, each peer setting trains one, so
/// both sides' epochs alternate through the same minutes of the machine's life (a shared machine's speed
/// drifts over minutes) and the sides never run at the same time. Both sides' first epoch is a warm-up.
/// </remarks>
internal static class EpochBenchmark
{
    /// <summary>Peak working set targets of a full-data training run, MB.</summary>
    private const double MlpPeakTargetMb = 500, ConvPeakTargetMb = 600;

    /// <summary>Target for the epoch time as a fraction of PyTorch 1.13's best in the same run (libtorch 2.10's ratio is printed without one).</summary>
    private const double RatioTarget = 0.6;

    /// <param name="pyTorchBlasThreads">OpenBLAS thread counts of the PyTorch 1.13 peers (one OpenMP thread each); empty: none.</param>
    /// <param name="libTorchThreads">Intra-op thread counts of the libtorch 2.10 peers; empty: none.</param>
    public static int Run(Architecture architecture, int epochs, IReadOnlyList<int> pyTorchBlasThreads, IReadOnlyList<int> libTorchThreads, int? images, string? dataDirectory, TextWriter output)
    {
        var train = FashionMnist.Load(dataDirectory, DatasetSplit.Train);
        var test = FashionMnist.Load(dataDirectory, DatasetSplit.Test);
        if (images is { } limit && limit < train.Count) train = train.Subset(Enumerable.Range(0, limit).ToArray());
        var (config, model) = architecture switch
        {
            Architecture.Conv => (new VaeConfig { Architecture = Architecture.Conv }, "conv VAE (conv 1→32→64, latent 20)"),
            // experiments/conv-bn.json's model
            Architecture.ConvBn => (new VaeConfig { Architecture = Architecture.ConvBn, ConvChannels = [32, 64, 128], Activation = "leaky-relu" },
                "batch-norm conv VAE (VanillaVAE shape: 3×3 conv 1→32→64→128 with BatchNorm2d and LeakyReLU, latent 20)"),
            _ => (new VaeConfig(), "reference configuration (784-400-20)"),
        };
        output.WriteLine($"{model}, batch 128, {train.Count} training images, {epochs} timed epoch(s) after one warm-up epoch, " +
                         $"each followed by an untimed evaluation of the {test.Count} test images.");
        output.WriteLine($"At the start: {MachineLoad.Describe()}.");

        var peers = new List<PeerSession>();
        try
        {
            foreach (int threads in pyTorchBlasThreads)
                if (PyTorchPeer.Start(architecture, threads, images, output) is { } peer) peers.Add(peer);
            foreach (int threads in libTorchThreads)
                if (LibTorchPeer.Start(architecture, threads, images, dataDirectory, output) is { } peer) peers.Add(peer);
            var ours = TimeOurs(config, train, test, epochs, output, afterEpoch: epoch =>
            {
                foreach (var peer in peers)
                    if (peer.Epoch() is { } seconds)
                        output.WriteLine($"  {peer.Label} epoch {epoch}{(epoch == 1 ? " (warm-up)" : "")}: {seconds:F2} s");
            });
            Report(architecture, config, images, ours, peers, epochs, output);
        }
        finally
        {
            foreach (var peer in peers) peer.Dispose();
        }
        return 0;
    }

    private static void Report(Architecture architecture, VaeConfig config, int? images, OurTiming ours, List<PeerSession> peers, int epochs, TextWriter output)
    {
        output.WriteLine($"At the end: {MachineLoad.Describe(afterOwnWork: true)}.");
        output.WriteLine();
        output.WriteLine($"{"",-PeerComparison.LabelWidth}{"s/epoch",10}   (median of {epochs} after the warm-up)");
        output.WriteLine($"{"Workbench (C#)",-PeerComparison.LabelWidth}{ours.SecondsPerEpoch,10:F2}");
        PeerComparison.Write(ours.Epochs, peers, new Dictionary<string, double> { [PyTorchPeer.Name] = RatioTarget }, output);
        int imageFloats = config.Pixels;
        output.WriteLine($"steady-state step: {ours.BytesPerStep:N0} bytes allocated per step on the training thread " +
                         $"(a batch of 128 images is {128 * imageFloats * 4:N0} bytes), {ours.Gen0PerEpoch:F1} gen-0 collections per timed epoch");
        double peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        double peakTarget = architecture == Architecture.Mlp ? MlpPeakTargetMb : ConvPeakTargetMb;
        string fullData = images is null ? "" : " (not a full-data run: --images was given)";
        output.WriteLine($"peak working set of this process: {peakMb:F0} MB (target for a full-data run ≤ {peakTarget:F0} MB: " +
                         $"{(peakMb <= peakTarget ? "met" : "not met")}){fullData}");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <param name="Epochs">Seconds of each timed epoch (after the warm-up), in order.</param>
    private sealed record OurTiming(double SecondsPerEpoch, double[] Epochs, long BytesPerStep, double Gen0PerEpoch);

    /// <param name="afterEpoch">Called with the epoch number after each epoch and its evaluation.</param>
    private static OurTiming TimeOurs(VaeConfig config, ImageDataset train, ImageDataset test, int epochs, TextWriter output, Action<int> afterEpoch)
    {
        var model = VariationalAutoencoder.Create(config, new Rng(1));
        var trainer = new Trainer(model, new TrainingOptions { Epochs = epochs + 1, ShowProgress = false, EvaluateEachEpoch = true, CheckpointEvery = 0 });
        var clock = Stopwatch.StartNew();
        var trainingSeconds = new List<double>();
        double epochStart = 0;
        long allocatedAtStart = 0, bytesPerStep = 0;
        int gen0AtStart = 0, gen0AtEnd = 0;
        trainer.BatchCompleted += b =>
        {
            if (b.Batch == 1) epochStart = clock.Elapsed.TotalSeconds; // the first step (pool warm-up, JIT) is not timed
            if (b.Batch == b.BatchesPerEpoch) trainingSeconds.Add((clock.Elapsed.TotalSeconds - epochStart) * b.BatchesPerEpoch / Math.Max(1, b.BatchesPerEpoch - 1));
            if (b.Epoch != 2) return;
            int measured = Math.Min(200, b.BatchesPerEpoch - 2);
            if (b.Batch == 2) (allocatedAtStart, gen0AtStart) = (GC.GetAllocatedBytesForCurrentThread(), GC.CollectionCount(0));
            if (b.Batch == 2 + measured && measured > 0) bytesPerStep = (GC.GetAllocatedBytesForCurrentThread() - allocatedAtStart) / measured;
            if (b.Batch == b.BatchesPerEpoch) gen0AtEnd = GC.CollectionCount(0);
        };
        trainer.EpochCompleted += m =>
        {
            output.WriteLine($"  Workbench epoch {m.Epoch}{(m.Epoch == 1 ? " (warm-up)" : "")}: {trainingSeconds[^1]:F2} s training, " +
                             $"train loss {m.TrainLoss:F2}, test loss {m.TestLoss:F2}");
            afterEpoch(m.Epoch);
        };
        trainer.Fit(train, test);
        var timed = trainingSeconds.Skip(1).ToArray();
        return new OurTiming(Median(timed), timed, bytesPerStep, gen0AtEnd - gen0AtStart);
    }
}
