using System.Runtime.InteropServices;

namespace Workbench.Cli;

/// <summary>
/// SIGTERM stops the command the way Ctrl+C does: training finishes its step, writes a checkpoint and stops, and
/// the process exits 143 (128 + SIGTERM). Slurm sends SIGTERM before it preempts a job or at its time limit, and
/// so does <c>kill</c>; a requeued or restarted run then resumes from that checkpoint. A second SIGTERM ends the
/// process at once.
/// </summary>
internal sealed class TerminationSignal : IDisposable
{
    public const int ExitCode = 143;

    private readonly PosixSignalRegistration _registration;
    private int _received;

    public TerminationSignal(CancellationTokenSource stop, TextWriter error)
    {
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            if (Interlocked.Exchange(ref _received, 1) == 1) return; // the second one terminates
            context.Cancel = true;
            error.WriteLine("SIGTERM: finishing the current step and writing a checkpoint...");
            stop.Cancel();
        });
    }

    public bool Received => Volatile.Read(ref _received) == 1;

    /// <summary>The exit code of a stopped command: 143 after SIGTERM, else <paramref name="interrupted"/>.</summary>
    public int ExitCodeOr(int interrupted) => Received ? ExitCode : interrupted;

    public void Dispose() => _registration.Dispose();
}
