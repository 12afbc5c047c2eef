using System.Globalization;
using System.Text.RegularExpressions;
using Workbench.Cli.Benchmarks;
using Workbench.Data;
using Workbench.Models;
using Workbench.Tensors;
using Workbench.Tests.Data;

namespace Workbench.Tests.Cli;

/// <summary><c>bench epoch</c> on small IDX files in a temporary folder, without the peers: the GEMM floor and the thread settings.</summary>
[Collection(Workbench.Tests.Kernels.GemmLogTests.Recording)]
public class EpochBenchmarkTests
{
    /// <summary>Fashion-MNIST-named IDX files of random 28×28 images: <paramref name="train"/> training and 64 test images.</summary>
    private static TempDirectory FashionFolder(int train)
    {
        var folder = new TempDirectory();
        var rng = new Rng(5);
        void Write(string images, string labels, int count)
        {
            var pixels = new byte[count * 28 * 28];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)rng.NextInt(256);
            var classes = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
            IdxWriter.WriteFile(folder.Combine(images), [count, 28, 28], pixels, gzip: true);
            IdxWriter.WriteFile(folder.Combine(labels), [count], classes, gzip: true);
        }
        Write("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", train);
        Write("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 64);
        return folder;
    }

    [Fact]
    public void Run_TwoThreadSettings_PrintsEachBesideItsGemmFloorAndTheScaling()
    {
        using var folder = FashionFolder(train: 128 * 21);
        var output = new StringWriter();
        int threads = ComputeThreads.Count;
        int exit = EpochBenchmark.Run(Architecture.Mlp, epochs: 1, ourThreads: [2, 1], pyTorchBlasThreads: [], libTorchThreads: [], images: null, folder.Path, output);
        string text = output.ToString();

        Assert.Equal(0, exit);
        Assert.Equal(threads, ComputeThreads.Count); // the setting is given back
        // 784-400-20: forward 5 products (encoder layer, mean and log-variance heads, two decoder layers), backward a dW
        // for each and a dX for all but the first.
        Assert.Contains("the floor: 14 products per step", text);
        Assert.Matches(@"Workbench epoch 2, 2 threads: [\d.]+ s training \(GEMM floor [\d.]+ s, ratio [\d.]+\)", text);
        Assert.Matches(@"Workbench epoch 3, 1 thread: [\d.]+ s training \(GEMM floor [\d.]+ s, ratio [\d.]+\)", text);
        foreach (string row in new[] { "Workbench (C#), 2 threads", "Workbench (C#), 1 thread" })
        {
            var match = Regex.Match(text, Regex.Escape(row) + @" +([\d.]+) +([\d.]+) +([\d.]+) +\(target ≤ 1\.10: (met|not met)\)");
            Assert.True(match.Success, $"no row '{row}' in:\n{text}");
            double epoch = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            double floor = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            double ratio = double.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture);
            Assert.True(epoch > 0 && floor > 0, text);
            Assert.InRange(ratio, epoch / floor - 0.6, epoch / floor + 0.6); // the median of per-epoch ratios; one epoch here
        }
        Assert.Matches(@"two threads / one thread: [\d.]+ \(target ≤ 0\.55: (met|not met)\)", text);
        // Only the two-thread epoch samples the cores' distance (2 floor samples in its 20 steps); with other tests
        // running on both cores the echo thread may not run within a sample's patience, which the line then says.
        var distance = Regex.Match(text, @"Workbench epoch 2, 2 threads: .*; cores' cache-line round trip (?:(\d+) ns \((\d+)–(\d+)\)|not measured \(the other thread was not running\))");
        Assert.True(distance.Success, text);
        if (distance.Groups[1].Success)
        {
            var (median, low, high) = (int.Parse(distance.Groups[1].Value), int.Parse(distance.Groups[2].Value), int.Parse(distance.Groups[3].Value));
            Assert.True(0 < low && low <= median && median <= high, text);
        }
        Assert.DoesNotMatch(@"Workbench epoch 3, 1 thread: .*round trip", text);
    }

    [Fact]
    public void DescribeRoundTrips_GivesTheMedianAndRangeOfTheAnsweredSamples()
    {
        Assert.Equal("", EpochBenchmark.DescribeRoundTrips([]));
        Assert.Equal("; cores' cache-line round trip 90 ns (85–340)", EpochBenchmark.DescribeRoundTrips([340, double.NaN, 85, 90]));
        Assert.Equal("; cores' cache-line round trip not measured (the other thread was not running)", EpochBenchmark.DescribeRoundTrips([double.NaN]));
    }

    [Fact]
    public void Median_IsTheMiddleValue_TheUpperOfAnEvenCount_NaNOfNone()
    {
        // The one median of every benchmark's printed times (epochs, GEMM rounds, GRU steps).
        Assert.Equal(2.0, PeerComparison.Median([3.0, 1.0, 2.0]));
        Assert.Equal(3.0, PeerComparison.Median([4.0, 1.0, 3.0, 2.0]));
        Assert.Equal(5.0, PeerComparison.Median([5.0]));
        Assert.True(double.IsNaN(PeerComparison.Median([])));
    }

    [Fact]
    public void CoreDistance_MeasuresARoundTripBetweenTwoRunningThreads()
    {
        Assert.True(Environment.ProcessorCount >= 2, "this test needs two cores");
        var distance = new CoreDistance();
        // Other tests may hold both cores: measure until both threads ran together for one whole measurement.
        var samples = new List<double>();
        while (samples.Count < 200 && !samples.Any(double.IsFinite)) samples.Add(distance.MeasureNanoseconds());
        distance.Dispose();
        // A round trip moves a line to the other core and back: tens of nanoseconds at least; well under the 50 ms
        // patience (a measurement the OS interrupts can take longer, so only the fastest is bounded).
        Assert.InRange(samples.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min(), 10, 100_000);
        Assert.Throws<ObjectDisposedException>(() => distance.MeasureNanoseconds());
    }

    [Fact]
    public void Run_OneSetting_PrintsNoScaling()
    {
        using var folder = FashionFolder(train: 128 * 11);
        var output = new StringWriter();
        EpochBenchmark.Run(Architecture.Mlp, epochs: 1, ourThreads: [1], pyTorchBlasThreads: [], libTorchThreads: [], images: null, folder.Path, output);
        string text = output.ToString();
        Assert.Contains("Workbench (C#), 1 thread", text);
        Assert.DoesNotContain("two threads / one thread", text);
    }
}
