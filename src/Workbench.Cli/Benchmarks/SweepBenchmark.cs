using System.Diagnostics;
using Workbench.Cli.Sweeps;

namespace Workbench.Cli.Benchmarks;

/// <summary>
/// Wall time of a 4-point sweep (seeds 1-4) of the reference configuration (784-400-20, batch 128, Adam 1e-3) run
/// two ways in the same command: sequentially with all cores per run, and <c>--parallel 2</c> with the cores
/// divided. Both go through the real <c>workbench run</c> in a child process, start-up included.
/// </summary>
internal static class SweepBenchmark
{
    public static int Run(int epochs, int? images, string? dataDirectory, TextWriter output)
    {
        string folder = Path.Combine(Path.GetTempPath(), "workbench-bench-sweep-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string file = Path.Combine(folder, "sweep.json");
            string limit = images is { } n ? $", \"trainLimit\": {n}" : "";
            string directory = dataDirectory is null ? "" : $", \"directory\": {System.Text.Json.JsonSerializer.Serialize(dataDirectory)}";
            File.WriteAllText(file, $$"""
            {
              "name": "sweep",
              "data": { "dataset": "fashion-mnist"{{limit}}{{directory}} },
              "model": { "variant": "vae", "hiddenSizes": [400], "latentSize": 20 },
              "training": { "epochs": {{epochs}}, "batchSize": 128, "learningRate": 0.001 },
              "evaluation": { "images": false },
              "grid": { "training.seed": [1, 2, 3, 4] }
            }
            """);
            int cores = Environment.ProcessorCount;
            output.WriteLine($"4 runs of the reference configuration (784-400-20, batch 128), {epochs} epoch(s) each, on " +
                             $"{(images is { } m ? $"{m}" : "all")} Fashion-MNIST training images; {cores} logical cores; {MachineLoad.Describe()}.");
            double sequential = Time(["run", file, "--results", Path.Combine(folder, "sequential"), "--threads", $"{cores}", "--no-png"], output);
            output.WriteLine($"  sequential, {cores} thread(s) per run: {sequential,8:F1} s");
            double parallel = Time(["run", file, "--results", Path.Combine(folder, "parallel"), "--parallel", "2", "--no-png"], output);
            output.WriteLine($"  --parallel 2, {Math.Max(1, cores / 2)} thread(s) per run: {parallel,8:F1} s");
            output.WriteLine($"ratio parallel / sequential: {parallel / sequential:F2} ({(parallel < sequential ? "--parallel 2 is faster" : "sequential is faster")}); " +
                             $"now {MachineLoad.Describe()}.");
            return 0;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static double Time(string[] arguments, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        string log = Path.Combine(Path.GetTempPath(), $"workbench-bench-sweep-{Guid.NewGuid():N}.log");
        int code;
        using (var writer = new StreamWriter(log))
        using (var process = WorkbenchProcess.Start(arguments, writer))
        {
            process.WaitForExit();
            code = process.ExitCode;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        if (code != 0)
        {
            output.WriteLine(File.ReadAllText(log));
            File.Delete(log);
            throw new UsageException($"bench sweep: workbench {string.Join(' ', arguments)} exited {code}.");
        }
        File.Delete(log);
        return seconds;
    }
}
