using System.Diagnostics;
using Workbench.Data;
using Workbench.Kernels;
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

    /// <summary>Targets for an epoch's time as a multiple of its GEMM floor (the issue's: the conv path has more to do between its products).</summary>
    private static double? FloorTarget(Architecture architecture) => architecture switch
    {
        Architecture.Mlp => 1.1,
        Architecture.Conv => 1.25,
        _ => null,
    };

    /// <summary>Target for the two-thread epoch as a fraction of the one-thread epoch.</summary>
    private const double ScalingTarget = 0.55;

    /// <param name="ourThreads">Compute-thread settings our epochs run with, in turn; the first is compared with the peers.</param>
    /// <param name="pyTorchBlasThreads">OpenBLAS thread counts of the PyTorch 1.13 peers (one OpenMP thread each); empty: none.</param>
    /// <param name="libTorchThreads">Intra-op thread counts of the libtorch 2.10 peers; empty: none.</param>
    public static int Run(Architecture architecture, int epochs, IReadOnlyList<int> ourThreads, IReadOnlyList<int> pyTorchBlasThreads, IReadOnlyList<int> libTorchThreads,
        int? images, string? dataDirectory, TextWriter output)
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
        output.WriteLine($"{model}, batch 128, {train.Count} training images, {epochs} timed epoch(s) after one warm-up epoch " +
                         $"for each of our thread settings ({string.Join(", ", ourThreads)}; taken in turn), " +
                         $"each followed by an untimed evaluation of the {test.Count} test images; every {FloorEvery} steps the step's products run alone {FloorReplays} times (the GEMM floor, timed apart) " +
                         $"and, in multi-thread epochs, a cache line makes {CoreDistance.RoundTrips} timed round trips between two threads " +
                         "(about 30–110 ns or 300–420 ns on the machines of docs/speed.md, \"Two cores, near and apart\").");
        output.WriteLine($"At the start: {MachineLoad.Describe()}.");

        var peers = new List<PeerSession>();
        try
        {
            foreach (int threads in pyTorchBlasThreads)
                if (PyTorchPeer.Start(architecture, threads, images, output) is { } peer) peers.Add(peer);
            foreach (int threads in libTorchThreads)
                if (LibTorchPeer.Start(architecture, threads, images, dataDirectory, output) is { } peer) peers.Add(peer);
            int defaultThreads = ComputeThreads.Count;
            List<OurTiming> ours;
            try
            {
                ours = TimeOurs(config, train, test, epochs, ourThreads, output, afterRound: round =>
                {
                    foreach (var peer in peers)
                        if (peer.Epoch() is { } seconds)
                            output.WriteLine($"  {peer.Label} epoch {round}{(round == 1 ? " (warm-up)" : "")}: {seconds:F2} s");
                });
            }
            finally
            {
                ComputeThreads.Count = defaultThreads;
            }
            Report(architecture, config, images, ours, peers, epochs, output);
        }
        finally
        {
            foreach (var peer in peers) peer.Dispose();
        }
        return 0;
    }

    private static void Report(Architecture architecture, VaeConfig config, int? images, List<OurTiming> ours, List<PeerSession> peers, int epochs, TextWriter output)
    {
        output.WriteLine($"At the end: {MachineLoad.Describe(afterOwnWork: true)}.");
        output.WriteLine();
        output.WriteLine($"{"",-PeerComparison.LabelWidth}{"s/epoch",10}{"GEMM floor",12}{"ratio",8}   (medians of {epochs} after the warm-up; the floor: {ours[0].Products} products per step, " +
                         $"{ours[0].StepFlops / 1e9:F2} GFLOP, run alone at their recorded shapes and threads)");
        double? floorTarget = FloorTarget(architecture);
        foreach (var timing in ours)
        {
            double ratio = Median(timing.Epochs.Zip(timing.Floors, (e, f) => e / f));
            string verdict = floorTarget is { } t ? $"   (target ≤ {t:F2}: {(ratio <= t ? "met" : "not met")})" : "";
            output.WriteLine($"{$"Workbench (C#), {Threads(timing.Threads)}",-PeerComparison.LabelWidth}{timing.SecondsPerEpoch,10:F2}{Median(timing.Floors),12:F2}{ratio,8:F2}{verdict}");
        }
        output.WriteLine($"  epoch / floor, epoch by epoch: {string.Join("; ", ours.Select(t => $"{Threads(t.Threads)}: {string.Join(", ", t.Epochs.Zip(t.Floors, (e, f) => $"{e / f:F2}"))}"))}");
        if (ours.FirstOrDefault(t => t.Threads == 1) is { } one && ours.FirstOrDefault(t => t.Threads == 2) is { } two)
        {
            // Epoch e of each setting ran within a minute of the other's: the scaling is the median of their ratios.
            double scaling = Median(two.Epochs.Zip(one.Epochs, (a, b) => a / b));
            output.WriteLine($"two threads / one thread: {scaling:F2} (target ≤ {ScalingTarget:F2}: {(scaling <= ScalingTarget ? "met" : "not met")}); " +
                             $"epoch by epoch {string.Join(", ", two.Epochs.Zip(one.Epochs, (a, b) => $"{a / b:F2}"))}; " +
                             $"the floors' {Median(two.Floors.Zip(one.Floors, (a, b) => a / b)):F2}");
        }
        var first = ours[0];
        if (peers.Count > 0) output.WriteLine($"Peers, each against Workbench on {Threads(first.Threads)}:");
        PeerComparison.Write(first.Epochs, peers, new Dictionary<string, double> { [PyTorchPeer.Name] = RatioTarget }, output);
        int imageFloats = config.Pixels;
        output.WriteLine($"steady-state step: {first.BytesPerStep:N0} bytes allocated per step on the training thread " +
                         $"(a batch of 128 images is {128 * imageFloats * 4:N0} bytes), {first.Gen0PerEpoch:F1} gen-0 collections per timed epoch");
        double peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        double peakTarget = architecture == Architecture.Mlp ? MlpPeakTargetMb : ConvPeakTargetMb;
        string fullData = images is null ? "" : " (not a full-data run: --images was given)";
        output.WriteLine($"peak working set of this process: {peakMb:F0} MB (target for a full-data run ≤ {peakTarget:F0} MB: " +
                         $"{(peakMb <= peakTarget ? "met" : "not met")}){fullData}");
    }

    private static string Threads(int threads) => threads == 1 ? "1 thread" : $"{threads} threads";

    private static double Median(IEnumerable<double> values) => PeerComparison.Median(values);

    /// <param name="Epochs">Seconds of each timed epoch at this thread setting (after the warm-up), in order.</param>
    /// <param name="Floors">The GEMM floor of each of those epochs: the step's products run alone (sampled through the epoch), times the steps.</param>
    private sealed record OurTiming(int Threads, double SecondsPerEpoch, double[] Epochs, double[] Floors, int Products, double StepFlops, long BytesPerStep, double Gen0PerEpoch);

    /// <summary>"; cores' cache-line round trip 88 ns (81–92)": the median and range of an epoch's samples; empty without any.</summary>
    internal static string DescribeRoundTrips(IReadOnlyList<double> nanoseconds)
    {
        var answered = nanoseconds.Where(double.IsFinite).Order().ToArray();
        if (answered.Length == 0) return nanoseconds.Count == 0 ? "" : "; cores' cache-line round trip not measured (the other thread was not running)";
        return $"; cores' cache-line round trip {Median(answered):F0} ns ({answered[0]:F0}–{answered[^1]:F0})";
    }

    /// <summary>Every this many steps, the step's products run alone <see cref="FloorReplays"/> times (timed apart from the steps).</summary>
    private const int FloorEvery = 10;

    private const int FloorReplays = 2;

    /// <summary>
    /// Trains one model, its epochs taking the thread settings in turn (the first setting also runs the warm-up epoch).
    /// A setting's products are recorded during the second step of its first epoch; from then on, every
    /// <see cref="FloorEvery"/> steps of its epochs the recorded products run alone (the clock of the steps stopped
    /// meanwhile), so the GEMM floor is sampled through the same minutes as the steps it is compared with.
    /// <paramref name="afterRound"/> runs once every setting has trained an epoch of the round.
    /// </summary>
    private static List<OurTiming> TimeOurs(VaeConfig config, ImageDataset train, ImageDataset test, int epochs, IReadOnlyList<int> settings,
        TextWriter output, Action<int> afterRound)
    {
        var model = VariationalAutoencoder.Create(config, new Rng(1));
        int totalEpochs = 1 + epochs * settings.Count;
        var trainer = new Trainer(model, new TrainingOptions { Epochs = totalEpochs, ShowProgress = false, EvaluateEachEpoch = true, CheckpointEvery = 0 });
        int SettingOf(int epoch) => epoch == 1 ? 0 : (epoch - 2) % settings.Count;
        var steps = new Stopwatch();
        var seconds = settings.Select(_ => new List<double>()).ToArray();
        var floors = settings.Select(_ => new List<double>()).ToArray();
        var logs = new GemmLog?[settings.Count];
        IDisposable? recording = null;
        double lastEpoch = 0, lastFloor = 0, floorSeconds = 0;
        int floorReplays = 0;
        long allocatedAtStart = 0, bytesPerStep = 0;
        int gen0AtStart = 0, gen0AtEnd = 0;
        // Sampled beside the floor in multi-thread epochs: where the host runs the cores moves epoch times (CoreDistance).
        using var distance = settings.Any(t => t > 1) && Environment.ProcessorCount > 1 ? new CoreDistance() : null;
        var roundTrips = new List<double>();
        ComputeThreads.Count = settings[0];
        trainer.BatchCompleted += b =>
        {
            steps.Stop();
            int setting = SettingOf(b.Epoch);
            if (b.Batch == 1)
            {
                // The first step (pool warm-up, JIT) is not timed.
                steps.Reset();
                (floorSeconds, floorReplays) = (0, 0);
                if (logs[setting] is null) recording = GemmLog.Begin(out logs[setting]);
            }
            else if (b.Batch == 2 && recording is not null)
            {
                recording.Dispose();
                recording = null;
            }
            if (b.Batch % FloorEvery == 0 && logs[setting] is { } log && recording is null)
            {
                long start = Stopwatch.GetTimestamp();
                for (int r = 0; r < FloorReplays; r++) log.Replay(settings[setting]);
                floorSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
                floorReplays += FloorReplays;
                if (distance is not null && settings[setting] > 1) roundTrips.Add(distance.MeasureNanoseconds());
            }
            if (b.Batch == b.BatchesPerEpoch)
            {
                lastEpoch = steps.Elapsed.TotalSeconds * b.BatchesPerEpoch / Math.Max(1, b.BatchesPerEpoch - 1);
                lastFloor = floorReplays == 0 ? double.NaN : floorSeconds / floorReplays * b.BatchesPerEpoch;
            }
            if (b.Epoch == 2)
            {
                int measured = Math.Min(200, b.BatchesPerEpoch - 2);
                if (b.Batch == 2) (allocatedAtStart, gen0AtStart) = (GC.GetAllocatedBytesForCurrentThread(), GC.CollectionCount(0));
                if (b.Batch == 2 + measured && measured > 0) bytesPerStep = (GC.GetAllocatedBytesForCurrentThread() - allocatedAtStart) / measured;
                if (b.Batch == b.BatchesPerEpoch) gen0AtEnd = GC.CollectionCount(0);
            }
            steps.Start();
        };
        trainer.EpochCompleted += m =>
        {
            steps.Stop();
            int setting = SettingOf(m.Epoch), threads = settings[setting];
            string label = $"{(m.Epoch == 1 ? " (warm-up)" : "")}, {Threads(threads)}";
            string losses = $"train loss {m.TrainLoss:F2}, test loss {m.TestLoss:F2}";
            if (m.Epoch == 1)
            {
                output.WriteLine($"  Workbench epoch 1{label}: {lastEpoch:F2} s training, {losses}");
            }
            else
            {
                seconds[setting].Add(lastEpoch);
                floors[setting].Add(lastFloor);
                output.WriteLine($"  Workbench epoch {m.Epoch}{label}: {lastEpoch:F2} s training (GEMM floor {lastFloor:F2} s, ratio {lastEpoch / lastFloor:F2}), {losses}{DescribeRoundTrips(roundTrips)}");
            }
            roundTrips.Clear();
            if (m.Epoch < totalEpochs) ComputeThreads.Count = settings[SettingOf(m.Epoch + 1)];
            if (m.Epoch == 1 || setting == settings.Count - 1) afterRound(m.Epoch == 1 ? 1 : 1 + (m.Epoch - 1) / settings.Count);
        };
        trainer.Fit(train, test);
        return settings.Select((threads, i) => new OurTiming(threads, Median(seconds[i]), seconds[i].ToArray(), floors[i].ToArray(),
            logs[i]!.Calls.Count, logs[i]!.Flops, bytesPerStep, gen0AtEnd - gen0AtStart)).ToList();
    }
}
