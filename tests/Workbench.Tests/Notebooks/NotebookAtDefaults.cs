using System.Text.Json.Nodes;
using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

/// <summary>
/// One notebook of notebooks/ executed unchanged, at its default parameters, by the real kernel
/// (the headless runner, exactly as `workbench notebook run` does), once per test class. The
/// executed copy is kept under the test output folder (executed-notebooks/) for inspection.
/// </summary>
public abstract class NotebookAtDefaults : IAsyncLifetime
{
    protected abstract string Name { get; }

    public NotebookRunResult Result { get; private set; } = null!;

    public ExecutedNotebook Executed { get; private set; } = null!;

    public string SourcePath => Path.Combine(Structure.LayeringTests.RepositoryRoot(), "notebooks", Name + ".ipynb");

    public string OutputPath => Path.Combine(AppContext.BaseDirectory, "executed-notebooks", Name + ".ipynb");

    public async Task InitializeAsync()
    {
        var library = Path.Combine(Structure.LayeringTests.RepositoryRoot(), "src", "Workbench", "bin", "Release", "net10.0", "Workbench.dll");
        Assert.True(File.Exists(library), $"{library} is missing: the notebooks #r the Release build (dotnet build -c Release).");
        Result = await new NotebookRunner().RunFileAsync(SourcePath, OutputPath);
        Executed = new ExecutedNotebook(Result.Notebook);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Every cell ran without an error; source and executed notebook are valid nbformat; the figures and pictures are there.</summary>
    public void AssertRanCleanly(int minFigures, int minPictures)
    {
        var errors = Result.Notebook.Cells.SelectMany(c => c.Outputs).Where(o => o.OutputType() == "error")
            .Select(o => $"{o["ename"]}: {o["evalue"]}").ToList();
        Assert.True(Result.Succeeded, $"{Name}: {Result.Failure}; {string.Join("; ", errors)}");
        Assert.Empty(errors);
        Assert.All(Result.Notebook.Cells.Where(c => c.IsCode), c => Assert.NotNull(c.ExecutionCount));

        var html = Result.Notebook.Cells.SelectMany(c => c.Outputs)
            .Where(o => o["data"]?["text/html"] is not null).Select(o => o.Data("text/html")).ToList();
        Assert.True(html.Sum(h => Count(h, "Plotly.newPlot")) >= minFigures, $"{Name}: fewer than {minFigures} plotly figures");
        Assert.True(html.Sum(h => Count(h, "<img src=\"data:image/png;base64,")) >= minPictures, $"{Name}: fewer than {minPictures} pictures");
        if (minFigures > 0)
        {
            // Offline figures: plotly.js travels once, inline, in the first figure or in a display of its own before it
            // (a live training view shows it so, and none of its states repeats it).
            var bundles = html.Select(h => Count(h, "data-workbench-plotly=")).ToList();
            Assert.Equal(1, bundles.Sum());
            var first = html.FindIndex(h => h.Contains("Plotly.newPlot", StringComparison.Ordinal));
            Assert.InRange(bundles.FindIndex(b => b > 0), 0, first);
        }
        // docs/notebooks.md: a saved notebook holds that one copy of plotly.js (4.66 MB) and stays under 6 MB.
        long saved = new FileInfo(OutputPath).Length;
        Assert.True(saved < 6_000_000, $"{Name}: the executed notebook is {saved:N0} bytes, over 6 MB");

        AssertTrainingShowedLive();
        NbformatValidator.AssertValid(SourcePath);
        NbformatValidator.AssertValid(OutputPath);
    }

    /// <summary>
    /// Every cell that trains shows each run as a live view (the setup cell handed Lab the kernel's display),
    /// saved in its final state: the run's summary with the bar full.
    /// </summary>
    private void AssertTrainingShowedLive()
    {
        var trainingCells = Result.Notebook.Cells.Where(c => c.IsCode && System.Text.RegularExpressions.Regex.IsMatch(c.Source, @"Lab\.Train(SequenceVae|LanguageModel)?\(")).ToList();
        Assert.NotEmpty(trainingCells);
        foreach (var cell in trainingCells)
        {
            var views = cell.Outputs.Where(o => o["data"]?["text/html"] is not null).Select(o => o.Data("text/html"))
                .Where(h => h.Contains("class=\"workbench-live-training\"", StringComparison.Ordinal)).ToList();
            Assert.True(views.Count > 0, $"{Name}: the cell '{cell.Source.Split('\n')[0]}' shows no live training view");
            foreach (var view in views)
            {
                Assert.Matches(@": trained \d+ epochs", view);
                var bar = System.Text.RegularExpressions.Regex.Match(view, "data-step=\"(\\d+)\" data-total-steps=\"(\\d+)\"");
                Assert.True(bar.Success && bar.Groups[1].Value == bar.Groups[2].Value, $"{Name}: a saved live view is not at its end");
            }
        }
    }

    private static int Count(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    /// <summary>Traces of a figure by name.</summary>
    public static JsonNode Trace(JsonArray figure, string name) =>
        Assert.Single(figure, t => t!["name"]?.GetValue<string>() == name)!;
}

/// <summary>The notebooks run one at a time: each is a kernel process training at full size.</summary>
[CollectionDefinition(Name)]
public sealed class NotebooksAtDefaultsCollection
{
    public const string Name = "Notebooks at their defaults";
}
