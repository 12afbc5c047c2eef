using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Workbench.Tests.Support;

/// <summary>
/// The <c>workbench</c> command line as a real child process, for what an in-process call cannot show:
/// signals (SIGTERM) and kill -9.
/// </summary>
public sealed partial class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new(), _error = new();

    public CliProcess(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "Workbench.Cli.exe" : "Workbench.Cli"))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_error) _error.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }
    public string Error { get { lock (_error) return _error.ToString(); } }
    public bool HasExited => _process.HasExited;

    /// <summary>Waits (polling) until <paramref name="condition"/> holds; fails if the process ends first or time runs out.</summary>
    public void WaitUntil(Func<bool> condition, string what, int timeoutSeconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (_process.HasExited) throw new Xunit.Sdk.XunitException($"the process ended (exit {_process.ExitCode}) before {what}.\n{Output}\n{Error}");
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"timed out waiting until {what}.\n{Output}\n{Error}");
            Thread.Sleep(5);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (15 SIGTERM, 9 SIGKILL) to the process.</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public int WaitForExit(int timeoutSeconds = 120)
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            _process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"the process did not end within {timeoutSeconds} s.\n{Output}\n{Error}");
        }
        _process.WaitForExit(); // flushes the redirected streams
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
