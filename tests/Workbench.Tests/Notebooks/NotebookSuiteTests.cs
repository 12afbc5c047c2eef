using System.Text.Json.Nodes;
using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

/// <summary>
/// Every notebook in notebooks/ runs unchanged through the headless runner, at small scale through
/// its parameters cell, with no error and with the figures it is meant to show; source and executed
/// notebooks are valid nbformat with the Polyglot metadata VS Code needs.
/// </summary>
public class NotebookSuiteTests
{
    /// <summary>Notebook, small-scale parameters, at least this many plotly figures and this many pictures.</summary>
    public static TheoryData<string, string, int, int> Notebooks => new()
    {
        { "01-quickstart", "trainImages=600;testImages=200;epochs=1;hidden=64;latent=8", 1, 3 },
        { "02-beta-comparison", "trainImages=600;testImages=200;epochs=1;hidden=64;latent=6;betas=0.5,4", 2, 2 },
        { "03-ablations", "trainImages=600;testImages=200;epochs=1;hidden=64", 2, 4 },
        { "04-conditional-vae", "trainImages=600;testImages=200;epochs=1;hidden=64;latent=4;samplesPerClass=10;classifierEpochs=1", 1, 1 },
        { "05-elbo-anatomy", "trainImages=400;testImages=100;epochs=1;hidden=64;latent=6;ks=1,10;iwaeImages=10", 2, 0 },
        { "06-your-own-variant", "", 2, 2 },
    };

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_RunsAtSmallScale_WithoutErrorsAndWithItsFigures(string name, string parameters, int minPlots, int minPictures)
    {
        var source = Path.Combine(Structure.LayeringTests.RepositoryRoot(), "notebooks", name + ".ipynb");
        var library = Path.Combine(Structure.LayeringTests.RepositoryRoot(), "src", "Workbench", "bin", "Release", "net10.0", "Workbench.dll");
        Assert.True(File.Exists(library), $"{library} is missing: the notebooks #r the Release build (dotnet build -c Release).");
        using var folder = new TempFolder();
        var output = folder.File(name + ".executed.ipynb");
        var values = parameters.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        // Run from the notebook's own folder so its relative #r resolves as it does in VS Code.
        var result = await new NotebookRunner(values).RunFileAsync(source, output);

        var errors = result.Notebook.Cells.SelectMany(c => c.Outputs).Where(o => o.OutputType() == "error")
            .Select(o => $"{o["ename"]}: {o["evalue"]}").ToList();
        Assert.True(result.Succeeded, $"{name}: cell {result.FailedCellNumber} failed: {string.Join("; ", errors)}");
        Assert.Empty(errors);

        var html = result.Notebook.Cells.SelectMany(c => c.Outputs)
            .Where(o => o.OutputType() == "display_data" && o["data"]?["text/html"] is not null)
            .Select(o => o.Data("text/html")).ToList();
        int plots = html.Sum(h => Count(h, "Plotly.newPlot"));
        int pictures = html.Sum(h => Count(h, "<img src=\"data:image/png;base64,"));
        Assert.True(plots >= minPlots, $"{name}: {plots} plotly figure(s), expected at least {minPlots}");
        Assert.True(pictures >= minPictures, $"{name}: {pictures} picture(s), expected at least {minPictures}");

        NbformatValidator.AssertValid(source);
        NbformatValidator.AssertValid(output);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_HasPolyglotMetadata_AndAParametersCell(string name, string parameters, int minPlots, int minPictures)
    {
        _ = (parameters, minPlots, minPictures);
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
        Assert.Contains(code, c => c["metadata"]!["tags"] is JsonArray tags && tags.Any(t => t!.GetValue<string>() == "parameters"));
        Assert.Contains(code, c => NotebookTestSupport.Text(c["source"]).Contains("#r \"../src/Workbench/bin/Release/net10.0/Workbench.dll\""));
        Assert.True(cells.Count(c => c["cell_type"]!.GetValue<string>() == "markdown") >= 3, $"{name} explains itself in markdown");
    }

    private static int Count(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
