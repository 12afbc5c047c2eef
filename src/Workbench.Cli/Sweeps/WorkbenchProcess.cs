using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Workbench.Cli.Sweeps;

/// <summary>
/// Starts this same workbench program again, for one grid point (<c>workbench run --point</c>): as a child of
/// <c>--parallel</c>, or from a Slurm task on another node (which needs these paths on the shared file system).
/// </summary>
internal static class WorkbenchProcess
{
    /// <summary>
    /// The command that starts this program: its own executable when it runs as the <c>workbench</c> tool or
    /// apphost, otherwise the <c>dotnet</c> host with Workbench.Cli.dll (under <c>dotnet run</c> or a test host).
    /// </summary>
    public static IReadOnlyList<string> Command()
    {
        string cli = typeof(WorkbenchProcess).Assembly.Location;
        string? process = Environment.ProcessPath;
        string? name = process is null ? null : Path.GetFileNameWithoutExtension(process);
        if (process is not null && (name == "workbench" || name == Path.GetFileNameWithoutExtension(cli))) return [process];
        return [DotnetHost(process), cli];
    }

    private static string DotnetHost(string? process)
    {
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet") return process;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        // <dotnet root>/shared/Microsoft.NETCore.App/<version>/ → <dotnet root>/dotnet
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    /// <summary>
    /// Starts workbench with <paramref name="arguments"/> (and <paramref name="environment"/> added to this process's),
    /// its stdout and stderr appended to <paramref name="log"/>.
    /// </summary>
    public static Process Start(IEnumerable<string> arguments, StreamWriter log, params KeyValuePair<string, string>[] environment)
    {
        var command = Command();
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1).Concat(arguments)) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        void Append(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (log) log.WriteLine(e.Data);
        }
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Sends SIGTERM (a child then checkpoints and exits 143).</summary>
    public static void Terminate(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            process.Kill();
            return;
        }
        if (!process.HasExited) SendTerm(process.Id);
    }

    /// <summary>Sends SIGTERM to the process <paramref name="pid"/> (Unix systems).</summary>
    internal static void SendTerm(int pid) => _ = kill(pid, 15);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
