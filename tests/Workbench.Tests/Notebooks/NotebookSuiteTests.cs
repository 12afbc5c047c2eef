using System.Text.Json.Nodes;

namespace Workbench.Tests.Notebooks;

/// <summary>
/// Every notebook in notebooks/ is valid nbformat with the Polyglot metadata VS Code needs, a
/// parameters cell and markdown that explains it; each also has a test class that runs it at its
/// defaults and checks its text (*NotebookTests.cs).
/// </summary>
public class NotebookSuiteTests
{
    private static readonly string[] Names = ["01-quickstart", "02-beta-comparison", "03-ablations", "04-conditional-vae", "05-elbo-anatomy", "06-your-own-variant",
        "07-sample-quality", "08-anomaly-detection", "09-semi-supervised", "10-sequence-vae", "11-better-posteriors-and-samples"];

    public static TheoryData<string> Notebooks => new(Names);

    [Fact]
    public void EveryNotebookInTheFolder_IsCovered()
    {
        var folder = Path.Combine(Structure.LayeringTests.RepositoryRoot(), "notebooks");
        var present = Directory.GetFiles(folder, "*.ipynb").Select(p => Path.GetFileNameWithoutExtension(p)!)
            .Where(n => !n.EndsWith(".executed", StringComparison.Ordinal)).Order().ToArray();

        Assert.Equal(Names.Order().ToArray(), present);
    }

    /// <summary>
    /// The notebooks' runs go to a results folder of this test process alone, new when the process started: one left by an
    /// earlier process (process ids are reused) held finished runs that the notebooks reused instead of training.
    /// </summary>
    [Fact]
    public void NotebookRuns_GoToAFreshFolderOfThisTestProcess()
    {
        Assert.False(Support.NotebookResults.ExistedAtStart, $"{Support.NotebookResults.Root} existed before this test process began");
        Assert.Equal(Support.NotebookResults.Root, Environment.GetEnvironmentVariable(Workbench.Notebooks.Lab.ResultsVariable));
        Assert.StartsWith(Path.Combine(AppContext.BaseDirectory, "notebook-results"), Support.NotebookResults.Root);
        Assert.StartsWith($"{Environment.ProcessId}-", Path.GetFileName(Support.NotebookResults.Root));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_HasPolyglotMetadata_AndAParametersCellStatingItsTime(string name)
    {
        var path = Path.Combine(Structure.LayeringTests.RepositoryRoot(), "notebooks", name + ".ipynb");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(4, json["nbformat"]!.GetValue<int>());
        Assert.Equal(5, json["nbformat_minor"]!.GetValue<int>());
        var metadata = json["metadata"]!;
        Assert.Equal(".net-csharp", metadata["kernelspec"]!["name"]!.GetValue<string>());
        Assert.Equal("C#", metadata["kernelspec"]!["language"]!.GetValue<string>());
        Assert.Equal("polyglot-notebook", metadata["language_info"]!["name"]!.GetValue<string>());
        Assert.Equal("csharp", metadata["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]!.GetValue<string>());

        var cells = json["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.All(cells, c => Assert.False(string.IsNullOrEmpty(c["id"]?.GetValue<string>()), "every cell has an id"));
        var code = cells.Where(c => c["cell_type"]!.GetValue<string>() == "code").ToList();
        Assert.All(code, c => Assert.Equal("csharp", c["metadata"]!["polyglot_notebook"]!["kernelName"]!.GetValue<string>()));
        var parameters = Assert.Single(code, c => c["metadata"]!["tags"] is JsonArray tags && tags.Any(t => t!.GetValue<string>() == "parameters"));
        Assert.Matches(@"about \d+ s on two cores", NotebookTestSupport.Text(parameters["source"]).Replace("\n// ", " "));
        Assert.Contains(code, c => NotebookTestSupport.Text(c["source"]).Contains("#r \"../src/Workbench/bin/Release/net10.0/Workbench.dll\""));
        Assert.True(cells.Count(c => c["cell_type"]!.GetValue<string>() == "markdown") >= 3, $"{name} explains itself in markdown");
        NbformatValidator.AssertValid(path);
    }
}
