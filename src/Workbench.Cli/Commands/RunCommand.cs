using System.CommandLine;
using Workbench.Experiments.Definitions;
using Workbench.Experiments.Reports;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench run &lt;experiment-file&gt; [--results results]</c>: runs every grid point of an
/// experiment (skipping finished runs, resuming interrupted ones), then writes its report; or one point,
/// several at once, or on Slurm (<see cref="SweepOptions"/>).
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("experiment-file") { Description = "The experiment JSON file (see experiments/README.md for the schema)." };
        var results = new Option<string>("--results")
        {
            Description = "Results root; runs go to <results>/<experiment name>/<run id>/.",
            DefaultValueFactory = _ => "results",
        };
        var noPng = CommonOptions.NoPng();
        var rerunChanged = CommonOptions.RerunChanged();
        var sweep = new SweepOptions();
        var command = new Command("run", "Run an experiment file: train and evaluate every run of its grid, then write report.html.")
        {
            file, results, noPng, rerunChanged,
        };
        foreach (var option in sweep.All) command.Options.Add(option);
        command.SetAction((parse, cancellation) =>
        {
            var experimentFile = parse.GetValue(file)!;
            return Task.FromResult(sweep.Run(parse, experimentFile, parse.GetValue(results)!, parse.GetValue(noPng), parse.GetValue(rerunChanged),
                CommonOptions.Out(parse), cancellation,
                () =>
                {
                    var (definition, runs) = ExperimentLoader.Expand(experimentFile);
                    return RunExperiment(experimentFile, definition, runs, parse.GetValue(results)!, parse.GetValue(noPng),
                        parse.GetValue(rerunChanged), CommonOptions.Out(parse), cancellation);
                }));
        });
        return command;
    }

    /// <summary>
    /// Runs an experiment loaded from <paramref name="experimentFile"/> and writes its report; returns the exit code.
    /// Once the data are checked, <paramref name="hold"/> (e.g. a folder lock) is taken for the runs and
    /// <paramref name="afterRuns"/> called under it when they return. <paramref name="sharedFolder"/> receives the
    /// index and plotly.js (<see cref="RunnerOptions.SharedFolder"/>; null: the results root).
    /// </summary>
    internal static int RunExperiment(string experimentFile, ExperimentDefinition definition, IReadOnlyList<RunSpec> runs, string resultsRoot,
        bool noPng, bool rerunChanged, TextWriter output, CancellationToken cancellation, Func<IDisposable>? hold = null, Action? afterRuns = null,
        string? sharedFolder = null)
    {
        using var exporter = CommonOptions.Exporter(noPng);
        var runner = new ExperimentRunner(new RunnerOptions
        {
            ResultsRoot = resultsRoot, ImageExporter = exporter, Log = output, RerunChanged = rerunChanged, SharedFolder = sharedFolder,
        });
        runner.Check(experimentFile, runs);
        IReadOnlyList<RunSummary> summaries;
        using (hold?.Invoke())
        {
            summaries = runner.Run(experimentFile, definition, runs, cancellation);
            afterRuns?.Invoke();
        }
        if (cancellation.IsCancellationRequested) return Cli.Interrupted;
        if (summaries.Count == 0)
        {
            output.WriteLine("No finished run to report.");
            return Cli.Success;
        }
        // A grid over seeds: each group's measures over its seeds, beside the report.
        if (new RunSummaryTable(summaries).SeedTable() is { } seeds) output.WriteLine(seeds.ToString());
        var (report, notes) = ExperimentReport.Write(Path.Combine(resultsRoot, definition.Name), exporter, plotlyFolder: sharedFolder ?? resultsRoot);
        CommonOptions.WriteNotes(output, notes);
        output.WriteLine($"Report: {report}");
        return Cli.Success;
    }
}
