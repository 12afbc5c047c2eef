using System.CommandLine;
using Workbench.Experiments.Reports;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench report &lt;experiment-folder&gt;</c>: (re)writes the comparison figures and report.html of an experiment.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("experiment-folder") { Description = "The experiment's results folder, results/<experiment>." };
        var noPng = CommonOptions.NoPng();
        var selfContained = new Option<bool>("--self-contained")
        {
            Description = "Inline plotly.js and the pictures into report.html (about 5 MB), so the one file can be sent on its own.",
        };
        var command = new Command("report",
            "Write <experiment-folder>/report.html (run table, comparison figures, every run's pictures) and the figures in figures/.")
        {
            folder, noPng, selfContained,
        };
        command.SetAction(parse =>
        {
            var output = CommonOptions.Out(parse);
            using var exporter = CommonOptions.Exporter(parse.GetValue(noPng));
            var (report, notes) = ExperimentReport.Write(parse.GetValue(folder)!, exporter, parse.GetValue(selfContained));
            CommonOptions.WriteNotes(output, notes);
            output.WriteLine($"Report: {report}");
            return Cli.Success;
        });
        return command;
    }
}
