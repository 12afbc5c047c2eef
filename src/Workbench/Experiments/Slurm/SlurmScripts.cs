using System.Text;
using System.Text.RegularExpressions;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.RunFolders;

namespace Workbench.Experiments.Slurm;

/// <summary>What <c>workbench run --slurm</c> asks of Slurm for every task (each becomes an <c>#SBATCH</c> line).</summary>
public sealed partial record SlurmOptions
{
    public string? Partition { get; init; }

    /// <summary>Time limit per task, as sbatch takes it (<c>HH:MM:SS</c>, <c>D-HH:MM:SS</c>, minutes).</summary>
    public string? Time { get; init; }

    /// <summary>Cores per task; the task's workbench uses as many threads (from SLURM_CPUS_PER_TASK).</summary>
    public int CpusPerTask { get; init; } = 1;

    /// <summary>Memory per node, as sbatch takes it (<c>2G</c>, <c>500M</c>).</summary>
    public string? Mem { get; init; }

    /// <summary>Further sbatch options, each as one argument (<c>--account=lab</c>, <c>--qos=low</c>).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>Throws an <see cref="ArgumentException"/> naming the option and the form it takes.</summary>
    public void Validate()
    {
        if (CpusPerTask < 1) throw new ArgumentException($"--cpus-per-task {CpusPerTask}: must be at least 1.");
        if (Time is { } time && !TimeForm().IsMatch(time))
            throw new ArgumentException($"--time '{time}': use MM, HH:MM:SS or D-HH:MM:SS (sbatch's forms).");
        if (Mem is { } mem && !MemForm().IsMatch(mem)) throw new ArgumentException($"--mem '{mem}': use a number with an optional unit K, M, G or T (e.g. 4G).");
        if (Partition is { } partition && !PartitionForm().IsMatch(partition)) throw new ArgumentException($"--partition '{partition}': letters, digits, '_', '-', '.', ','.");
        foreach (var argument in ExtraArguments)
            if (!argument.StartsWith('-') || argument.Any(char.IsControl))
                throw new ArgumentException($"--sbatch-arg '{argument}': one sbatch option on one line, starting with '-' (e.g. --account=lab).");
    }

    [GeneratedRegex(@"^(\d+-)?\d+(:\d{1,2}){0,2}$")]
    private static partial Regex TimeForm();

    [GeneratedRegex(@"^\d+[KMGT]?$")]
    private static partial Regex MemForm();

    [GeneratedRegex(@"^[A-Za-z0-9_.,-]+$")]
    private static partial Regex PartitionForm();
}

/// <summary>
/// One sweep to hand to Slurm: the experiment file the tasks run (the snapshot taken at submission), where its
/// results go, the command that starts workbench on a node, and the run id of every grid point by index. Paths are
/// absolute (tasks start in other folders and on other machines, which see the same shared file system).
/// </summary>
public sealed record SlurmSweep(
    string ExperimentFile,
    string ResultsRoot,
    string Experiment,
    IReadOnlyList<string> Workbench,
    IReadOnlyList<string> RunIds,
    IReadOnlyList<string> PassThrough)
{
    /// <summary>The experiment file as given, when <see cref="ExperimentFile"/> is a snapshot of it (named in the scripts' comments).</summary>
    public string? Source { get; init; }

    public string ExperimentFolder => Path.Combine(ResultsRoot, Experiment);
    public string ScriptFolder => Path.Combine(ExperimentFolder, SlurmSubmissionRecord.Folder);
}

/// <summary>
/// The two batch scripts of a Slurm sweep, written into <c>&lt;experiment folder&gt;/slurm/</c> and kept so they
/// can be read and submitted again: <c>sweep.sbatch</c>, an array job whose task id is the grid point index, and
/// <c>report.sbatch</c>, which rebuilds the index and the report once every task has ended.
/// </summary>
public static class SlurmScripts
{
    public const string SweepScript = "sweep.sbatch", ReportScript = "report.sbatch";

    /// <summary>
    /// The array job. Each task appends its output to its run folder's run.log, framed by start and exit lines,
    /// and runs workbench as a job step (srun), so <c>scancel --signal=TERM</c> and preemption reach it: it writes a
    /// checkpoint and exits 143, and a requeued task resumes from that checkpoint.
    /// </summary>
    public static string Sweep(SlurmSweep sweep, SlurmOptions options)
    {
        var script = new StringBuilder();
        script.AppendLine("#!/bin/bash");
        script.AppendLine($"# The grid of experiment '{sweep.Experiment}' ({sweep.ExperimentFile}) as a Slurm array job: task id = grid point index.");
        if (sweep.Source is { } source)
            script.AppendLine($"# {Path.GetFileName(sweep.ExperimentFile)} is {source} as submitted: every task runs that configuration, whatever the file says later.");
        script.AppendLine("# Written by `workbench run --slurm`, which submits it with --array=<unfinished points>. To submit again by hand:");
        script.AppendLine($"#   sbatch --array=<points> {Quote(Path.Combine(sweep.ScriptFolder, SweepScript))}");
        script.AppendLine($"#SBATCH --job-name={sweep.Experiment}");
        script.AppendLine($"#SBATCH --output={Path.Combine(sweep.ScriptFolder, "task-%A_%a.out")}");
        script.AppendLine("#SBATCH --open-mode=append");
        script.AppendLine("#SBATCH --requeue");
        script.AppendLine("#SBATCH --ntasks=1");
        Directives(script, options);
        script.AppendLine();
        script.AppendLine("# Run folder of each grid point, by index.");
        script.Append("runs=(");
        foreach (var id in sweep.RunIds) script.Append(' ').Append(Quote(id));
        script.AppendLine(" )");
        script.AppendLine("point=$SLURM_ARRAY_TASK_ID");
        script.AppendLine($"run_dir={Quote(sweep.ExperimentFolder)}/\"${{runs[$point]}}\"");
        script.AppendLine("mkdir -p \"$run_dir\"");
        script.AppendLine($"exec >> \"$run_dir/{RunLog.FileName}\" 2>&1");
        script.AppendLine("# Slurm signals the batch shell too before preemption; it waits for the step, which checkpoints and exits.");
        script.AppendLine("trap 'echo \"batch script: SIGTERM\"' TERM");
        script.AppendLine($"echo \"{RunLog.StartPrefix}slurm job ${{SLURM_ARRAY_JOB_ID}}_${{point}} on $(hostname), restart ${{SLURM_RESTART_COUNT:-0}}, $(date -u +%FT%TZ) ==\"");
        script.AppendLine($"srun --ntasks=1 --cpus-per-task=\"${{SLURM_CPUS_PER_TASK:-1}}\" {Command(sweep, "--point", "\"$point\"")}");
        script.AppendLine("code=$?");
        script.AppendLine($"echo \"{RunLog.ExitPrefix}$code ==\"");
        script.AppendLine("exit $code");
        return script.ToString();
    }

    /// <summary>The closing job: index and report from whatever finished (submitted with <c>--dependency=afterany:&lt;array&gt;</c>).</summary>
    public static string Report(SlurmSweep sweep, SlurmOptions options)
    {
        var script = new StringBuilder();
        script.AppendLine("#!/bin/bash");
        script.AppendLine($"# Rebuilds results/index.json and the report of experiment '{sweep.Experiment}' once its array job has ended.");
        script.AppendLine($"#SBATCH --job-name={sweep.Experiment}-report");
        script.AppendLine($"#SBATCH --output={Path.Combine(sweep.ScriptFolder, "report-%j.out")}");
        script.AppendLine("#SBATCH --ntasks=1");
        Directives(script, options with { CpusPerTask = 1 });
        script.AppendLine();
        script.AppendLine(Command(sweep, "--report-only"));
        return script.ToString();
    }

    private static void Directives(StringBuilder script, SlurmOptions options)
    {
        script.AppendLine($"#SBATCH --cpus-per-task={options.CpusPerTask}");
        if (options.Partition is { } partition) script.AppendLine($"#SBATCH --partition={partition}");
        if (options.Time is { } time) script.AppendLine($"#SBATCH --time={time}");
        if (options.Mem is { } mem) script.AppendLine($"#SBATCH --mem={mem}");
        foreach (var argument in options.ExtraArguments) script.AppendLine($"#SBATCH {argument}");
    }

    private static string Command(SlurmSweep sweep, params string[] mode) =>
        string.Join(' ', sweep.Workbench.Select(Quote)
            .Concat(["run", Quote(sweep.ExperimentFile), "--results", Quote(sweep.ResultsRoot)])
            .Concat(mode)
            .Concat(sweep.PassThrough.Select(Quote)));

    /// <summary>A bash word that stays one word whatever it holds.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-=+,:@%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
