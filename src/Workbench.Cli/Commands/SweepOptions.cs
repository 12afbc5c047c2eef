using System.CommandLine;
using Workbench.Cli.Sweeps;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;
using Workbench.Experiments.Slurm;
using Workbench.Experiments.Sweeps;
using Workbench.Tensors;

namespace Workbench.Cli.Commands;

/// <summary>
/// The options of <c>workbench run</c> that say where and how the grid runs: one point (<c>--point</c>), N points
/// at once on this machine (<c>--parallel</c>), on a Slurm cluster (<c>--slurm</c> and its sbatch options), or
/// not at all (<c>--report-only</c>), and with how many threads per run.
/// </summary>
internal sealed class SweepOptions
{
    /// <summary>Points run at once by default: 1, as <c>workbench bench sweep</c> measured --parallel 2 no faster (1.08× the time) on 2 cores (README).</summary>
    public const int DefaultParallel = 1;

    private readonly Option<int?> _point = new("--point")
    {
        Description = "Run only grid point <index> (0-based, in the order of the grid; a Slurm task's array id). Writes neither index nor report.",
    };
    private readonly Option<int?> _threads = new("--threads")
    {
        Description = "Threads per run (default: SLURM_CPUS_PER_TASK when set, else all cores; with --parallel N, the cores divided by N). " +
                      "Results depend on the seed and this count; environment.json records it.",
    };
    private readonly Option<int> _parallel = CommonOptions.AtLeast("--parallel", 1, DefaultParallel,
        "Run N grid points at once on this machine, each in its own process with its share of the cores; each logs to <run>/run.log.");
    private readonly Option<bool> _reportOnly = new("--report-only")
    {
        Description = "Train nothing: rebuild <results>/index.json and write the report from the finished runs (a Slurm sweep's closing job).",
    };
    private readonly Option<bool> _slurm = new("--slurm")
    {
        Description = "Submit the unfinished grid points to Slurm as an array job (scripts kept in <results>/<experiment>/slurm/) plus a report job after it.",
    };
    private readonly Option<string?> _partition = new("--partition") { Description = "With --slurm: the partition to submit to (default: the cluster's)." };
    private readonly Option<string?> _time = new("--time") { Description = "With --slurm: time limit per task, HH:MM:SS or D-HH:MM:SS." };
    private readonly Option<int> _cpusPerTask = CommonOptions.AtLeast("--cpus-per-task", 1, 1, "With --slurm: cores per task; the task runs that many threads.");
    private readonly Option<string?> _mem = new("--mem") { Description = "With --slurm: memory per task, e.g. 2G." };
    private readonly Option<string[]> _sbatchArgs = new("--sbatch-arg")
    {
        Description = "With --slurm: a further sbatch option for every job, e.g. --sbatch-arg=--account=lab (repeatable).",
        AllowMultipleArgumentsPerToken = false,
    };

    public IEnumerable<Option> All => [_point, _threads, _parallel, _reportOnly, _slurm, _partition, _time, _cpusPerTask, _mem, _sbatchArgs];

    /// <summary>
    /// Runs the mode the options select; <paramref name="sequential"/> is a plain run of the whole grid.
    /// <paramref name="rerunChanged"/> applies on every path: to one point, and passed on to the children of
    /// <c>--parallel</c> and to the Slurm tasks.
    /// </summary>
    public int Run(ParseResult parse, string experimentFile, string resultsRoot, bool noPng, bool rerunChanged, TextWriter output,
        CancellationToken cancellation, Func<int> sequential)
    {
        int? point = parse.GetValue(_point), threads = parse.GetValue(_threads);
        int parallel = parse.GetValue(_parallel);
        bool slurm = parse.GetValue(_slurm), reportOnly = parse.GetValue(_reportOnly);
        bool parallelGiven = parse.GetResult(_parallel) is { Implicit: false };
        int modes = (point is null ? 0 : 1) + (slurm ? 1 : 0) + (reportOnly ? 1 : 0) + (parallelGiven && parallel > 1 ? 1 : 0);
        if (modes > 1) throw new UsageException("run: use at most one of --point, --parallel, --slurm and --report-only.");
        bool slurmOptionGiven = new Option[] { _partition, _time, _cpusPerTask, _mem, _sbatchArgs }.Any(o => parse.GetResult(o) is { Implicit: false });
        if (slurmOptionGiven && !slurm) throw new UsageException("run: --partition, --time, --cpus-per-task, --mem and --sbatch-arg go with --slurm.");
        if (threads is < 1) throw new UsageException($"run: --threads {threads}: must be at least 1.");
        string[] passThrough = noPng ? ["--no-png"] : [];

        if (slurm)
        {
            var options = new SlurmOptions
            {
                Partition = parse.GetValue(_partition), Time = parse.GetValue(_time), CpusPerTask = parse.GetValue(_cpusPerTask),
                Mem = parse.GetValue(_mem), ExtraArguments = parse.GetValue(_sbatchArgs) ?? [],
            };
            return SlurmSubmission.Submit(experimentFile, resultsRoot, options, rerunChanged, passThrough, output);
        }
        if (reportOnly) return WriteReport(ExperimentLoader.Load(experimentFile).Name, resultsRoot, noPng, output);
        if (point is null && parallel > 1)
        {
            int perRun = threads ?? Math.Max(1, Environment.ProcessorCount / parallel);
            var outcome = ParallelSweep.Run(experimentFile, resultsRoot, parallel, perRun, rerunChanged, passThrough, output, cancellation);
            if (cancellation.IsCancellationRequested) return Cli.Interrupted;
            int code = WriteReport(outcome.Experiment, resultsRoot, noPng, output);
            string status = $"workbench status {Path.Combine(resultsRoot, outcome.Experiment)}";
            if (outcome.NotFinished > 0) output.WriteLine($"{outcome.NotFinished} run(s) not finished by this sweep ({status}).");
            if (outcome.Failed == 0) return code;
            output.WriteLine($"{outcome.Failed} run(s) failed; their run.log holds the error ({status}).");
            return Cli.Failure;
        }

        if ((threads ?? SlurmCpusPerTask()) is { } count) ComputeThreads.Count = count;
        if (point is not { } index) return sequential();
        using var watch = ParentWatch.Start(); // a child of --parallel stops with its parent
        using var exporter = CommonOptions.Exporter(noPng);
        GridPointRun.Run(experimentFile, index, new RunnerOptions
        {
            ResultsRoot = resultsRoot, ImageExporter = exporter, Log = output, ShowProgress = false, RerunChanged = rerunChanged,
        }, cancellation);
        return cancellation.IsCancellationRequested ? Cli.Interrupted : Cli.Success;
    }

    /// <summary>Rebuilds the results index and writes the report of experiment <paramref name="experiment"/> from its finished runs.</summary>
    private static int WriteReport(string experiment, string resultsRoot, bool noPng, TextWriter output)
    {
        ResultsIndex.Rebuild(resultsRoot);
        var finished = ResultsIndex.Read(resultsRoot, experiment);
        if (finished.Count == 0)
        {
            output.WriteLine("No finished run to report.");
            return Cli.Success;
        }
        using var exporter = CommonOptions.Exporter(noPng);
        var (report, notes) = ExperimentReport.Write(Path.Combine(resultsRoot, experiment), exporter);
        CommonOptions.WriteNotes(output, notes);
        output.WriteLine($"Report ({finished.Count} finished run(s)): {report}");
        return Cli.Success;
    }

    /// <summary>The cores Slurm gave this task, when it runs in one.</summary>
    private static int? SlurmCpusPerTask() =>
        Environment.GetEnvironmentVariable("SLURM_CPUS_PER_TASK") is { Length: > 0 } value
            ? int.TryParse(value, out int cpus) && cpus >= 1 ? cpus : throw new UsageException($"SLURM_CPUS_PER_TASK='{value}' is not a positive whole number.")
            : null;
}
