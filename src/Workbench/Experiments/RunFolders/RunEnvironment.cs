using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Workbench.Experiments.RunFolders;

/// <summary>Where and how a run executed: what <c>environment.json</c> records so results can be traced and reproduced.</summary>
public sealed record RunEnvironment
{
    public required string Os { get; init; }
    public required string Cpu { get; init; }
    public required string Architecture { get; init; }
    public required int LogicalCores { get; init; }
    public required int Threads { get; init; }
    public required string DotNet { get; init; }
    public required bool Avx2 { get; init; }
    public required bool Fma { get; init; }
    public string? GitCommit { get; init; }
    public bool? GitDirty { get; init; }
    public required ulong Seed { get; init; }
    public required DateTimeOffset Started { get; init; }
    public DateTimeOffset? Finished { get; init; }
    public required string Command { get; init; }

    /// <summary>Reads the current machine and process.</summary>
    public static RunEnvironment Capture(ulong seed, int threads, string? repository = null) => new()
    {
        Os = RuntimeInformation.OSDescription,
        Cpu = CpuName(),
        Architecture = RuntimeInformation.ProcessArchitecture.ToString(),
        LogicalCores = Environment.ProcessorCount,
        Threads = threads,
        DotNet = RuntimeInformation.FrameworkDescription,
        Avx2 = System.Runtime.Intrinsics.X86.Avx2.IsSupported,
        Fma = System.Runtime.Intrinsics.X86.Fma.IsSupported,
        GitCommit = Git(repository, "rev-parse HEAD"),
        GitDirty = Git(repository, "status --porcelain --untracked-files=no") is { } status ? status.Length > 0 : null,
        Seed = seed,
        Started = DateTimeOffset.UtcNow,
        Command = Environment.CommandLine,
    };

    private static string CpuName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>Output of a git command in <paramref name="directory"/>, or null when git or the repository is unavailable.</summary>
    private static string? Git(string? directory, string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = directory ?? Environment.CurrentDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null) return null;
            string output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(5000);
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
