using System.CommandLine;
using Workbench.Experiments;

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
        var sweep = new SweepOptions();
        var command = new Command("run", "Run an experiment file: train and evaluate every run of its grid, then write report.html.") { file, results, noPng };
        foreach (var option in sweep.All) command.Options.Add(option);
        command.SetAction((parse, cancellation) => Task.FromResult(sweep.Run(parse, parse.GetValue(file)!, parse.GetValue(results)!,
            parse.GetValue(noPng), CommonOptions.Out(parse), cancellation,
            () => RunExperiment(parse.GetValue(file)!, parse.GetValue(results)!, parse.GetValue(noPng), CommonOptions.Out(parse), cancellation))));
        return command;
    }

    /// <summary>Runs the experiment and writes its report; returns the exit code.</summary>
    internal static int RunExperiment(string experimentFile, string resultsRoot, bool noPng, TextWriter output, CancellationToken cancellation)
    {
        var definition = ExperimentLoader.Load(experimentFile);
        using var exporter = CommonOptions.Exporter(noPng);
        var runner = new ExperimentRunner(new RunnerOptions { ResultsRoot = resultsRoot, ImageExporter = exporter, Log = output });
        var summaries = runner.Run(experimentFile, cancellation);
        if (cancellation.IsCancellationRequested) return Cli.Interrupted;
        if (summaries.Count == 0)
        {
            output.WriteLine("No finished run to report.");
            return Cli.Success;
        }
        var (report, notes) = ExperimentReport.Write(Path.Combine(resultsRoot, definition.Name), exporter);
        CommonOptions.WriteNotes(output, notes);
        output.WriteLine($"Report: {report}");
        return Cli.Success;
    }
}
