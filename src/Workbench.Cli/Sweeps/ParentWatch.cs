using System.Runtime.InteropServices;

namespace Workbench.Cli.Sweeps;

/// <summary>
/// Makes a child of <c>workbench run --parallel</c> stop with its parent, however the parent ends (kill -9 included):
/// the parent names itself in <see cref="Variable"/>, and the child watches its parent process id; when that changes
/// (the parent died and the child was re-parented) the child sends itself SIGTERM, so it stops as on any SIGTERM,
/// at a checkpoint, exit 143, and a later run resumes it. (Polling rather than Linux's parent-death signal, which
/// fires when the parent's forking thread ends, not the parent process.)
/// </summary>
internal sealed class ParentWatch : IDisposable
{
    /// <summary>The environment variable holding the parent's process id.</summary>
    public const string Variable = "WORKBENCH_PARALLEL_PARENT";

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly int _parent;
    private readonly Timer _timer;

    private ParentWatch(int parent)
    {
        _parent = parent;
        _timer = new Timer(_ => Check(), null, TimeSpan.Zero, Interval);
    }

    /// <summary>Starts watching when this process is a <c>--parallel</c> child on a Unix system; otherwise returns null.</summary>
    public static ParentWatch? Start()
    {
        if (OperatingSystem.IsWindows() || Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } value) return null;
        if (!int.TryParse(value, out int parent) || parent <= 1) throw new UsageException($"{Variable}='{value}' is not a process id.");
        return new ParentWatch(parent);
    }

    /// <summary>The environment a child of this process gets, to be watched by it.</summary>
    public static KeyValuePair<string, string> ForChildren() => new(Variable, $"{Environment.ProcessId}");

    // The check runs at once too: a parent that died before the child started watching is caught the same way.
    private void Check()
    {
        if (getppid() == _parent) return;
        _timer.Change(Timeout.Infinite, Timeout.Infinite);
        WorkbenchProcess.SendTerm(Environment.ProcessId); // StopSignals turns it into a checkpoint and exit 143
    }

    public void Dispose() => _timer.Dispose();

    [DllImport("libc", SetLastError = true)]
    private static extern int getppid();
}
