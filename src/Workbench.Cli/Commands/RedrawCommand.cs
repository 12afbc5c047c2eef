using System.CommandLine;
using Workbench.Experiments.Figures;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench redraw &lt;run-folder&gt;…</c>: draws finished runs' pictures again with the current code:
/// all of them from the model where the run kept it, else labels added to the saved grids.
/// </summary>
internal static class RedrawCommand
{
    public static Command Create()
    {
        var folders = new Argument<string[]>("run-folder")
        {
            Description = "Finished runs' folders (results/<experiment>/<run>).",
            Arity = ArgumentArity.OneOrMore,
        };
        var noPng = CommonOptions.NoPng();
        var command = new Command("redraw",
            "Draw finished runs' pictures again with the current code: from model.safetensors where the run has it, else by adding labels to its saved image grids.")
        {
            folders, noPng,
        };
        command.SetAction(parse =>
        {
            var output = CommonOptions.Out(parse);
            using var exporter = CommonOptions.Exporter(parse.GetValue(noPng));
            var figures = new FigureFiles(exporter);
            foreach (var folder in parse.GetValue(folders)!)
                foreach (var line in RunPictures.Redraw(folder, figures))
                    output.WriteLine(line);
            CommonOptions.WriteNotes(output, figures.Notes);
            return Cli.Success;
        });
        return command;
    }
}
