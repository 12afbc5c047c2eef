using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Workbench.Experiments.RunFolders;
using Workbench.Experiments.Running;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench eval &lt;run-folder&gt; [--iwae k] [--images n]</c>: measures a finished run's model
/// again on its test set (ELBO terms, importance-weighted bound with k samples, active units, and for
/// runs on sprites the Mutual Information Gap), prints a table and writes <c>eval.json</c> into the run folder.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var run = CommonOptions.RunFolder();
        var samples = CommonOptions.AtLeast("--iwae", 0, 100, "k of the importance-weighted bound −L_k (Burda et al. 2016); 0 skips it. Costs k decoder passes per image.");
        var images = new Option<int?>("--images")
        {
            Description = "Test images for the importance-weighted bound (default: the run's evaluation.importanceImages, else all).",
        };
        images.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1) result.AddError("--images must be at least 1.");
        });
        var command = new Command("eval", "Evaluate a finished run: test ELBO terms, IWAE bound, active units (and MIG on sprites); writes eval.json in the run folder.")
        {
            run, samples, images,
        };
        command.SetAction(parse =>
        {
            var output = CommonOptions.Out(parse);
            var trained = TrainedRun.Load(parse.GetValue(run)!);
            var test = trained.TestImages();
            int k = parse.GetValue(samples);
            int count = Math.Min(test.Count, parse.GetValue(images) ?? trained.Definition.Evaluation.ImportanceImages ?? test.Count);
            output.WriteLine($"Evaluating {trained.Folder} on {test.Count} test images" + (k > 0 ? $" (IWAE k={k} on {count})" : "") + "...");
            RunEvaluation evaluation;
            using (var progress = new ConsoleProgress($"IWAE k={k}"))
                evaluation = RunEvaluation.Measure(trained, test, k, count, progress);
            Print(output, evaluation);
            output.WriteLine($"Wrote {evaluation.Save(trained.Folder)}");
            return Cli.Success;
        });
        return command;
    }

    private static void Print(TextWriter output, RunEvaluation e)
    {
        static string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
        var table = new Table().Title($"{Markup.Escape(e.Run)}: test set, nats per image")
            .AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        void AddRow(string measure, string value) => table.AddRow(Markup.Escape(measure), Markup.Escape(value));
        AddRow("−ELBO", F(e.TestNegativeElbo));
        AddRow("reconstruction −E[log p(x|z)]", F(e.TestReconstruction));
        AddRow("KL(q(z|x) ‖ p(z))", F(e.TestKl));
        AddRow("training objective", F(e.TestLoss));
        AddRow($"IWAE −L_k (k={e.ImportanceSamples}, {e.ImportanceImages} images)",
            e.ImportanceWeightedBound is { } bound ? F(bound) : "skipped");
        AddRow("active units", $"{e.ActiveUnits} / {e.LatentSize}");
        if (e.Mig is { } mig) AddRow("MIG (Chen et al. 2018), test sprites", F(mig));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            Interactive = InteractionSupport.No,
        });
        console.Write(table);
    }
}
