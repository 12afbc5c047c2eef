using System.CommandLine;
using Workbench.Cli.Commands;
using Workbench.Data;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;
using Workbench.Training;

namespace Workbench.Cli;

/// <summary>
/// The <c>workbench</c> command line: the root command with every subcommand, and the one place
/// where expected failures become a one-line message on stderr and an exit code (no stack trace),
/// and Ctrl+C or SIGTERM becomes a cancellation that training honours by checkpointing and stopping.
/// </summary>
internal static class Cli
{
    public const int Success = 0, Failure = 1, Diverged = 3, Interrupted = 130, Terminated = 143;

    /// <summary>The root command with every subcommand registered.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Workbench: variational autoencoders in pure C# (train, run experiments, evaluate, report).");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(SampleCommand.Create());
        root.Subcommands.Add(ReconstructCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(RedrawCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(NotebookCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>, writing to <paramref name="output"/> and
    /// <paramref name="error"/> (the console by default). Exit codes: 0 success, 1 bad input or
    /// unusable files (or a full or read-only disk), 2 a notebook cell failed, 3 training diverged,
    /// 130 interrupted (Ctrl+C), 143 terminated (SIGTERM).
    /// </summary>
    public static int Invoke(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellation = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var signals = new StopSignals(stop, error);
        try
        {
            var configuration = new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // Ctrl+C and SIGTERM are handled by StopSignals
            };
            var parse = Build().Parse(args);
            // A mistyped flag: the error, the closest valid flags and one usage line (not the whole help).
            if (parse.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?")) return ParseErrors.Report(parse, error);
            int exitCode = parse.InvokeAsync(configuration, stop.Token).GetAwaiter().GetResult();
            if (stop.IsCancellationRequested && exitCode is Success or Interrupted) return ReportInterrupted(error, signals.ExitCode);
            return exitCode;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ReportInterrupted(error, signals.ExitCode);
        }
        catch (TrainingDivergedException e)
        {
            error.WriteLine($"error: training diverged: {e.Message}");
            return Diverged;
        }
        catch (Exception e) when (IsExpected(e))
        {
            error.WriteLine($"error: {e.Message}");
            return Failure;
        }
        catch (IOException e)
        {
            // A full or read-only disk: the message names the file; what was written before is intact.
            error.WriteLine($"error: {e.Message}");
            error.WriteLine("Files written before the failure are intact (the last checkpoint included); " +
                            "free space or make the folder writable, then run the same command again to resume.");
            return Failure;
        }
    }

    private static int ReportInterrupted(TextWriter error, int exitCode)
    {
        error.WriteLine("Interrupted. Finished runs are kept; an interrupted run resumes from its checkpoint when started again.");
        return exitCode;
    }

    /// <summary>Failures caused by the input (files, flags, data), reported without a stack trace.</summary>
    private static bool IsExpected(Exception e) => e is ExperimentFileException or InvalidDataException or DatasetUnavailableException
        or DataFileException or FileNotFoundException or DirectoryNotFoundException or UsageException or ArgumentException
        or UnauthorizedAccessException or RunConfigurationChangedException;
}

/// <summary>A command-line argument that cannot be used, with what to do instead.</summary>
internal sealed class UsageException(string message) : Exception(message);
