using System.Globalization;
using System.Text.RegularExpressions;
using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

/// <summary>
/// Live training progress in the real .NET Interactive kernel: the cell hands Lab the kernel's
/// <c>display(…).Update</c>, training redraws one display in place, and the executed notebook keeps
/// that display's last state (the run summary), as Jupyter keeps an output after update_display_data, after the one
/// display of plotly.js that no state of the view repeats.
/// </summary>
public sealed partial class LiveTrainingKernelTests
{
    [Fact]
    public async Task Train_InTheKernel_UpdatesOneDisplayInPlaceAndEndsAsTheRunSummary()
    {
        using var folder = new TempFolder();
        var library = typeof(Lab).Assembly.Location;
        var builder = new NotebookBuilder()
            .Code($"#r \"{library}\"\nusing Workbench.Models;\nusing Workbench.Notebooks;\nusing Workbench.Training;\n" +
                  $"Lab.LogRunsTo(\"live\", @\"{folder.File("results")}\");\nLab.ShowLiveProgress(view => display(view).Update);")
            .Code("var (train, test) = Lab.LoadFashionMnistSubset(500, 100);\n" +
                  "var run = Lab.Train(new VaeConfig { HiddenSizes = [32], LatentSize = 2 }, new TrainingOptions { Epochs = 3, BatchSize = 50, Seed = 1 }, train, test);");
        var input = builder.Save(folder.File("in.ipynb"));
        var ended = new List<CellProgress>();
        var runner = new NotebookRunner(progress: p => { if (p.State != CellState.Running) lock (ended) ended.Add(p); });

        var result = await runner.RunFileAsync(input, folder.File("out.ipynb"));

        Assert.True(result.Succeeded, result.Failure);
        // The kernel sent one display and then updates of that one display only: the first state, every
        // epoch's end and the summary at least.
        var training = Assert.Single(ended, p => p.CellNumber == 2);
        var updates = Assert.Single(training.DisplayUpdates);
        Assert.True(updates >= 3 + 1, $"{updates} updates");
        // The executed notebook holds plotly.js once, as a display of its own before the view, and the view once, in its
        // final state: the run summary with the bar full, the chart (one point per epoch in each series) and the table of epochs.
        var displays = result.Outputs(1).Where(o => o.OutputType() == "display_data").ToList();
        Assert.Equal(2, displays.Count);
        Assert.Single(BundlePattern().Matches(displays[0].Data("text/html")));
        var html = displays[1].Data("text/html");
        Assert.Matches(@"VAE: trained 3 epochs; test −ELBO \d+\.\d\d", html);
        Assert.Contains("data-step=\"30\" data-total-steps=\"30\"", html);
        Assert.Contains("step 30/30  100%", html);
        Assert.Matches(@"elapsed \d+:\d\d  remaining 0:00", html);
        Assert.Contains("<table class=\"workbench-table\"", html);
        var figure = Assert.Single(new ExecutedNotebook(result.Notebook).Figures("var run = Lab.Train("));
        Assert.Equal(6, figure.Count);
        Assert.All(figure, trace => Assert.Equal(3, trace!["x"]!.AsArray().Count));
        // No state of the view carries plotly.js, so a client that keeps every update saves it once too; the saved notebook draws offline.
        Assert.Empty(BundlePattern().Matches(html));
        Assert.Single(BundlePattern().Matches(File.ReadAllText(folder.File("out.ipynb"))));
        Assert.DoesNotContain(result.Outputs(1), o => o.OutputType() == "execute_result");
        NbformatValidator.AssertValid(folder.File("out.ipynb"));
    }

    [GeneratedRegex("data-workbench-plotly=")]
    private static partial Regex BundlePattern();
}
