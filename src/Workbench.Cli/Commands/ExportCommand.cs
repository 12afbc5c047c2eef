using System.CommandLine;
using Workbench.Experiments.RunFolders;
using Workbench.Interchange.Onnx;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench export &lt;run-folder&gt; --onnx [--out folder]</c>: writes a finished run's encoder and decoder as
/// <c>encoder.onnx</c> and <c>decoder.onnx</c> (<see cref="OnnxExport"/>), into the run folder unless <c>--out</c> names another.
/// A model the exporter cannot write is one error naming the part or layer, exit 1, and no file written.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var run = CommonOptions.RunFolder();
        var onnx = new Option<bool>("--onnx") { Description = $"Write the encoder and decoder as ONNX models (opset {OnnxExport.Opset}, dynamic batch axis)." };
        var output = new Option<string?>("--out") { Description = "Folder to write encoder.onnx and decoder.onnx into (default: the run folder)." };
        var command = new Command("export", "Export a finished run's encoder and decoder for other frameworks (ONNX).") { run, onnx, output };
        command.SetAction(parse =>
        {
            if (!parse.GetValue(onnx)) throw new UsageException("say which format to export: --onnx (the one format so far).");
            string folder = parse.GetValue(run)!;
            var error = parse.InvocationConfiguration.Error;
            TrainedRun trained;
            try { trained = TrainedRun.Load(folder); }
            catch (NotSupportedException e) // a model that is not an image VAE (sentences) has no encoder over images to write
            {
                error.WriteLine($"error: {folder}: cannot export to ONNX: {e.Message} The exporter writes image models only. Nothing was written.");
                return Cli.Failure;
            }
            OnnxFiles files;
            try
            {
                files = OnnxExport.Export(trained.Model, parse.GetValue(output) ?? trained.Folder);
            }
            catch (OnnxExportException e)
            {
                error.WriteLine($"error: {trained.Id}: cannot export to ONNX: {e.Message} Nothing was written.");
                return Cli.Failure;
            }
            var model = trained.Model;
            string condition = model.Conditioning.IsConditional ? $" and condition (batch, {model.Conditioning.Size})" : "";
            var outText = CommonOptions.Out(parse);
            outText.WriteLine($"Wrote {files.Encoder}: images (batch, {model.Pixels}){condition} → mean, log_variance (batch, {model.LatentSize})");
            outText.WriteLine($"Wrote {files.Decoder}: z (batch, {model.LatentSize}){condition} → {string.Join(", ", OnnxExport.DecoderOutputs(model.Likelihood))}");
            outText.WriteLine($"ONNX opset {OnnxExport.Opset}; the graphs compute the model in evaluation mode (see docs/interchange.md).");
            return Cli.Success;
        });
        return command;
    }
}
