using System.Runtime.InteropServices;

namespace Workbench.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM (what Slurm, <c>timeout</c> and <c>docker stop</c> send) both ask for a
/// graceful stop: the first one cancels, training finishes its step and writes a checkpoint; a second
/// one gets the default action and ends the process at once.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly TextWriter _error;
    private readonly PosixSignalRegistration[] _registrations;

    public StopSignals(CancellationTokenSource stop, TextWriter error)
    {
        _stop = stop;
        _error = error;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>The signal that asked for the stop, or null.</summary>
    public PosixSignal? Received { get; private set; }

    /// <summary>The conventional exit code of a process stopped by <see cref="Received"/>: 128 + the signal number.</summary>
    public int ExitCode => Received == PosixSignal.SIGTERM ? Cli.Terminated : Cli.Interrupted;

    private void Handle(PosixSignalContext context)
    {
        if (_stop.IsCancellationRequested) return; // the second signal ends the process at once
        context.Cancel = true;
        Received = context.Signal;
        string name = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl+C";
        _error.WriteLine($"Stopping ({name}): finishing the current step and writing a checkpoint (send it again to quit at once)...");
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
    }
}
