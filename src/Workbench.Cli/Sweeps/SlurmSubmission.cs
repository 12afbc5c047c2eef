using System.Diagnostics;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Slurm;
using Workbench.Experiments.Sweeps;
using Workbench.IO;

namespace Workbench.Cli.Sweeps;

/// <summary>
/// <c>workbench run --slurm</c>: writes the sweep's batch scripts into its results folder, submits the array job
/// (one task per unfinished grid point) and the report job that waits for it, and says how to watch them. It talks
/// to Slurm only through <c>sbatch</c> on PATH (and names <c>squeue</c> and <c>sacct</c> for watching).
/// </summary>
internal static class SlurmSubmission
{
    /// <summary>
    /// Checks every point's folder against its configuration (refusing like a plain run, unless
    /// <paramref name="rerunChanged"/>, which the tasks then apply), writes a snapshot of the experiment and the scripts
    /// (whose tasks run that snapshot), and submits the points still to run.
    /// </summary>
    public static int Submit(string experimentFile, string resultsRoot, SlurmOptions options, bool rerunChanged, IReadOnlyList<string> passThrough,
        TextWriter output)
    {
        options.Validate();
        string sbatch = FindOnPath("sbatch") ?? throw new UsageException(
            "--slurm: 'sbatch' is not on PATH. Run this on a Slurm login node (where sbatch, squeue and sacct are available), or drop --slurm to run here.");
        var submitted = SubmittedExperiment.Read(experimentFile);
        var (definition, runs) = (submitted.Definition, submitted.Runs);
        RunIdentityGuard.RefuseChanged(resultsRoot, definition.Name, runs, rerunChanged);
        var points = RunIdentityGuard.ToRun(resultsRoot, definition.Name, runs);
        if (points.Count == 0)
        {
            output.WriteLine($"Experiment '{definition.Name}': all {runs.Count} run(s) are finished; nothing to submit.");
            return Cli.Success;
        }

        string scriptFolder = Path.Combine(Path.GetFullPath(resultsRoot), definition.Name, SlurmSubmissionRecord.Folder);
        // The tasks start later, maybe after the file has changed: they run the experiment as submitted.
        string snapshot = submitted.WriteSnapshot(scriptFolder);
        var sweep = new SlurmSweep(snapshot, Path.GetFullPath(resultsRoot), definition.Name,
            WorkbenchProcess.Command(), runs.Select(r => r.Id).ToList(), [.. passThrough, .. rerunChanged ? ["--rerun-changed"] : Array.Empty<string>()])
        {
            Source = Path.GetFullPath(experimentFile),
        };
        string sweepScript = Path.Combine(sweep.ScriptFolder, SlurmScripts.SweepScript);
        string reportScript = Path.Combine(sweep.ScriptFolder, SlurmScripts.ReportScript);
        AtomicFile.WriteAllText(sweepScript, SlurmScripts.Sweep(sweep, options));
        AtomicFile.WriteAllText(reportScript, SlurmScripts.Report(sweep, options));

        string array = GridPoints.ArrayList(points);
        string arrayJob = Sbatch(sbatch, $"--array={array}", sweepScript);
        string reportJob = Sbatch(sbatch, $"--dependency=afterany:{arrayJob}", reportScript);
        new SlurmSubmissionRecord
        {
            Experiment = definition.Name,
            ExperimentFile = sweep.Source,
            Snapshot = snapshot,
            ArrayJobId = arrayJob,
            ReportJobId = reportJob,
            Points = points,
            Runs = sweep.RunIds,
            Submitted = DateTimeOffset.UtcNow,
        }.Write(sweep.ExperimentFolder);

        output.WriteLine($"Experiment '{definition.Name}': submitted array job {arrayJob} ({points.Count} of {runs.Count} grid points: {array}, " +
                         $"{options.CpusPerTask} CPU(s) each) and report job {reportJob} (runs after every task has ended).");
        output.WriteLine($"Scripts (kept): {sweepScript}, {reportScript}");
        output.WriteLine("Watch:");
        output.WriteLine($"  squeue -j {arrayJob},{reportJob}");
        output.WriteLine($"  sacct -j {arrayJob},{reportJob} --format=JobID,JobName,State,ExitCode,Elapsed");
        output.WriteLine($"  workbench status {sweep.ExperimentFolder}");
        return Cli.Success;
    }

    /// <summary>Submits with <c>sbatch --parsable</c>; returns the job id.</summary>
    private static string Sbatch(string sbatch, string option, string script)
    {
        var start = new ProcessStartInfo(sbatch) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--parsable", option, script }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new UsageException($"--slurm: could not start {sbatch}.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        // --parsable prints "<job id>" or "<job id>;<cluster>".
        string id = stdout.Trim().Split(';')[0];
        if (process.ExitCode != 0 || id.Length == 0 || !id.All(char.IsAsciiDigit))
            throw new UsageException($"--slurm: sbatch {option} {script} failed (exit {process.ExitCode}): {stderr.Result.Trim()} {stdout.Trim()}".TrimEnd());
        return id;
    }

    /// <summary>The full path of <paramref name="tool"/> in a PATH folder, or null.</summary>
    internal static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, tool))
            .FirstOrDefault(File.Exists);
}
