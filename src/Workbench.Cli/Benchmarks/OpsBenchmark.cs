using System.Diagnostics;
using System.Text.Json;
using Workbench.Tensors;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// Forward + backward milliseconds of the hot activations, the softmax family and cross-entropy, single
/// threaded, beside the same ops in PyTorch 1.13 (tests/reference/pytorch_ops.py, one thread) run by the same command.
/// </summary>
internal static class OpsBenchmark
{
    private sealed record Case(string Name, string Shape, Func<Tensor> Input, Func<Tensor, Tensor> Op);

    public static int Run(int repeats, TextWriter output)
    {
        int[] targets = new int[256];
        var rng = new Rng(3);
        for (int i = 0; i < targets.Length; i++) targets[i] = rng.NextInt(1000);
        Tensor Rows() => Tensor.Randn(new Rng(1), 128, 784).MulScalar(3f);
        Tensor Logits() => Tensor.Randn(new Rng(2), 256, 1000).MulScalar(3f);
        Case[] cases =
        [
            new("gelu", "(128, 784)", Rows, x => x.Gelu()),
            new("gelu_tanh", "(128, 784)", Rows, x => x.Gelu("tanh")),
            new("silu", "(128, 784)", Rows, x => x.Silu()),
            new("softmax_last", "(128, 784) axis -1", Rows, x => x.Softmax(-1)),
            new("log_softmax_last", "(128, 784) axis -1", Rows, x => x.LogSoftmax(-1)),
            new("softmax_first", "(128, 784) axis 0", Rows, x => x.Softmax(0)),
            new("cross_entropy", "(256, 1000) mean", Logits, x => Losses.CrossEntropy(x, targets)),
        ];
        var peer = RunPeer(repeats, output);
        output.WriteLine($"Median of {repeats} rounds, forward + backward per call, one thread each.");
        const string Row = "{0,-18} {1,-20} {2,10} {3,10} {4,8}";
        output.WriteLine(Row, "op", "shape", "ours ms", "torch ms", "ratio");
        foreach (var c in cases)
        {
            double ours = Measure(c, repeats);
            double? theirs = peer is not null && peer.TryGetValue(c.Name, out var t) ? t : null;
            output.WriteLine(Row, c.Name, c.Shape, $"{ours:F3}", theirs is null ? "-" : $"{theirs:F3}", theirs is null ? "-" : $"{ours / theirs:F2}");
        }
        return 0;
    }

    private static double Measure(Case c, int repeats)
    {
        var x = c.Input();
        x.RequiresGrad = true;
        Tensor upstream;
        using (GradMode.NoGrad()) upstream = Tensor.Randn(new Rng(9), c.Op(x).Shape.ToArray());
        void Step()
        {
            using var scope = TensorScope.Begin();
            var y = c.Op(x);
            if (y.Rank == 0) y.Backward(); else y.Backward(upstream);
        }
        // Two seconds of warm-up, so tiered compilation (with PGO) has replaced the first-tier code before timing.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalMilliseconds < 2000) Step();
        int calls = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalMilliseconds < 20) { Step(); calls++; }
        var times = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            clock.Restart();
            for (int i = 0; i < calls; i++) Step();
            times.Add(clock.Elapsed.TotalMilliseconds / calls);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static Dictionary<string, double>? RunPeer(int repeats, TextWriter output)
    {
        string? script = null;
        foreach (var folder in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(folder); dir is not null && script is null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "reference", "pytorch_ops.py");
                if (File.Exists(candidate)) script = candidate;
            }
        if (script is null || !File.Exists("/usr/bin/python3"))
        {
            output.WriteLine("PyTorch peer skipped: needs /usr/bin/python3 with PyTorch and tests/reference/pytorch_ops.py.");
            return null;
        }
        var start = new ProcessStartInfo("/usr/bin/python3", [script, repeats.ToString()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            output.WriteLine($"PyTorch peer failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
            return null;
        }
        return JsonSerializer.Deserialize<Dictionary<string, double>>(text);
    }
}
