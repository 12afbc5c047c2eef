using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Cli.Sweeps;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Tests.Cli;

namespace Workbench.Tests.Sweeps;

/// <summary>Child workbench processes and comparisons of two results folders, for the sweep tests.</summary>
internal static class SweepFiles
{
    /// <summary>Runs workbench in a child process (as a Slurm task or a --parallel child would); returns its exit code and output.</summary>
    public static (int ExitCode, string Output) RunWorkbench(IEnumerable<string> arguments, IDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        using var process = StartWorkbench(arguments, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"workbench {string.Join(' ', arguments)} did not finish in time.");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    public static Process StartWorkbench(IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var command = WorkbenchProcess.Command();
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.Skip(1).Concat(arguments)) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>
    /// Asserts that two experiment folders hold the same runs with identical results: model.safetensors byte for
    /// byte, and summary.json and metrics.jsonl equal in every field but wall-clock times.
    /// </summary>
    public static void AssertSameResults(string expectedFolder, string actualFolder, IReadOnlyList<string> runs)
    {
        foreach (var run in runs)
        {
            string expected = Path.Combine(expectedFolder, run), actual = Path.Combine(actualFolder, run);
            Assert.True(File.Exists(Path.Combine(actual, "summary.json")), $"{actual} is not finished");
            Assert.True(File.ReadAllBytes(Path.Combine(expected, "model.safetensors")).AsSpan()
                .SequenceEqual(File.ReadAllBytes(Path.Combine(actual, "model.safetensors"))), $"{run}: model.safetensors differs");
            Assert.Equal(WithoutTimes(File.ReadAllText(Path.Combine(expected, "summary.json"))), WithoutTimes(File.ReadAllText(Path.Combine(actual, "summary.json"))));
            var expectedMetrics = File.ReadAllLines(Path.Combine(expected, "metrics.jsonl")).Select(WithoutTimes).ToList();
            var actualMetrics = File.ReadAllLines(Path.Combine(actual, "metrics.jsonl")).Select(WithoutTimes).ToList();
            Assert.NotEmpty(expectedMetrics);
            Assert.Equal(expectedMetrics, actualMetrics);
        }
    }

    private static string WithoutTimes(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        foreach (var field in new[] { "seconds", "trainSeconds", "finished" }) node.Remove(field);
        return node.ToJsonString();
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) Assert.Fail($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}.");
            Thread.Sleep(50);
        }
    }

    /// <summary>A tiny experiment (300 images, <paramref name="epochs"/> epochs) over <paramref name="seeds"/> with a <paramref name="latent"/>-d latent.</summary>
    public static string WriteTinyGrid(string directory, string name, int latent = 2, int epochs = 1, int[]? seeds = null) =>
        RunIdentityCliTests.WriteTiny(directory, name, epochs, e =>
        {
            e["model"]!["latentSize"] = latent;
            e["grid"] = new JsonObject { ["training.seed"] = new JsonArray((seeds ?? [1, 2]).Select(s => (JsonNode)s).ToArray()) };
        });

    /// <summary>The summary.json of a finished run.</summary>
    public static RunSummary Summary(string runFolder) =>
        RunFiles.ReadSummary(Path.Combine(runFolder, RunFolder.SummaryFile));

    /// <summary>
    /// Stand-ins for Slurm's tools in <c>&lt;directory&gt;/bin</c>: <c>sbatch</c> records its arguments in
    /// <c>&lt;directory&gt;/sbatch-calls</c> and prints a job id as --parsable does (41, 42, ...); <c>srun</c> drops its
    /// options and runs the command, as a one-task job step does. Returns the bin folder.
    /// </summary>
    public static string FakeSlurm(string directory)
    {
        var bin = Path.Combine(directory, "bin");
        Directory.CreateDirectory(bin);
        string calls = Path.Combine(directory, "sbatch-calls");
        Tool(bin, "sbatch", $"#!/bin/sh\necho \"$@\" >> '{calls}'\necho $((40 + $(wc -l < '{calls}')))\n");
        Tool(bin, "srun", "#!/bin/sh\nwhile [ \"${1#-}\" != \"$1\" ]; do shift; done\nexec \"$@\"\n");
        return bin;
    }

    private static void Tool(string bin, string name, string script)
    {
        var path = Path.Combine(bin, name);
        File.WriteAllText(path, script);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>PATH with the <see cref="FakeSlurm"/> tools first.</summary>
    public static Dictionary<string, string> FakeSlurmPath(string bin) => new() { ["PATH"] = bin + ":/usr/bin:/bin" };

    /// <summary>
    /// Runs array task <paramref name="point"/> of a written <c>sweep.sbatch</c> as Slurm would start it (with
    /// <see cref="FakeSlurm"/>'s srun); returns the task's exit code (its output goes to the run's run.log).
    /// </summary>
    public static int RunSlurmTask(string script, int point, string bin)
    {
        var start = new ProcessStartInfo("bash", [script]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = bin + ":/usr/bin:/bin";
        start.Environment["SLURM_ARRAY_TASK_ID"] = $"{point}";
        start.Environment["SLURM_ARRAY_JOB_ID"] = "41";
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"task {point} of {script} did not finish in time.");
        }
        return process.ExitCode;
    }

    /// <summary>True when Slurm lists none of <paramref name="jobs"/> any more (all ended).</summary>
    public static bool JobsEnded(params string[] jobs)
    {
        using var squeue = Process.Start(new ProcessStartInfo("squeue", ["-h", "-j", string.Join(',', jobs)]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string listed = squeue.StandardOutput.ReadToEnd();
        _ = squeue.StandardError.ReadToEnd();
        squeue.WaitForExit();
        return squeue.ExitCode == 0 && listed.Trim().Length == 0;
    }

    /// <summary>Cancels <paramref name="jobs"/> (when a test fails before they end).</summary>
    public static void TryCancel(params string[] jobs)
    {
        try { Process.Start("scancel", jobs)?.WaitForExit(); }
        catch (System.ComponentModel.Win32Exception) { }
    }
}
