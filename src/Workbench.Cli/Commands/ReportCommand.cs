using System.CommandLine;
using Workbench.Experiments;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench report &lt;experiment-folder&gt;</c>: (re)writes the comparison figures and report.html of an experiment.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("experiment-folder") { Description = "The experiment's results folder, results/<experiment>." };
        var noPng = CommonOptions.NoPng();
        var command = new Command("report",
            "Write <experiment-folder>/report.html (one self-contained page: run table, comparison figures, pictures) and the figures in figures/.")
        {
            folder, noPng,
        };
        command.SetAction(parse =>
        {
            var output = CommonOptions.Out(parse);
            using var exporter = CommonOptions.Exporter(parse.GetValue(noPng));
            var (report, notes) = ExperimentReport.Write(parse.GetValue(folder)!, exporter);
            CommonOptions.WriteNotes(output, notes);
            output.WriteLine($"Report: {report}");
            return Cli.Success;
        });
        return command;
    }
}
