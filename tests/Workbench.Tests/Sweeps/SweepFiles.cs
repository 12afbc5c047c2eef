using System.Diagnostics;
using System.Text.Json.Nodes;
using Workbench.Cli.Sweeps;

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
}
