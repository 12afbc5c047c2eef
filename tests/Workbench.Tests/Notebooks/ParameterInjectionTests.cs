using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

public class ParameterInjectionTests
{
    private static NotebookBuilder Notebook() => new NotebookBuilder()
        .Code("enum Optimizer { Sgd, Adam }")
        .Parameters("int epochs = 1;\ndouble learningRate = 0.1;\nbool verbose = false;\nstring name = \"default\";\nOptimizer optimizer = Optimizer.Sgd;\nlong seed = 7;\nfloat beta = 1f;")
        .Code("$\"{epochs}|{learningRate}|{verbose}|{name}|{optimizer}|{seed}|{beta}\"");

    [Fact]
    public async Task RunAsync_Parameters_InjectedCellOverridesDefaults()
    {
        using var folder = new TempFolder();
        var parameters = new Dictionary<string, string>
        {
            ["epochs"] = "5", ["learningRate"] = "0.001", ["verbose"] = "true", ["name"] = "say \"hi\"",
            ["optimizer"] = "adam", ["seed"] = "12345678901", ["beta"] = "0.5",
        };

        var result = await NotebookTestSupport.RunAsync(Notebook(), folder.Path, parameters);

        Assert.True(result.Succeeded, result.Failure);
        var injected = result.Notebook.Cells[2];
        Assert.Equal(["injected-parameters"], injected.Tags);
        Assert.Contains("optimizer = Optimizer.Adam;", injected.Source);
        Assert.Equal(3, injected.ExecutionCount);
        Assert.Equal("5|0.001|True|say \"hi\"|Adam|12345678901|0.5", Assert.Single(result.Outputs(3)).Data("text/plain"));
    }

    [Fact]
    public async Task RunAsync_NoParameters_RunsDefaultsWithoutInjecting()
    {
        using var folder = new TempFolder();
        var result = await NotebookTestSupport.RunAsync(Notebook(), folder.Path);

        Assert.Equal(3, result.Notebook.Cells.Count);
        Assert.Equal("1|0.1|False|default|Sgd|7|1", Assert.Single(result.Outputs(2)).Data("text/plain"));
    }

    [Fact]
    public async Task RunAsync_UnknownParameter_ThrowsListingDeclaredNames()
    {
        using var folder = new TempFolder();
        var error = await Assert.ThrowsAsync<NotebookException>(() =>
            NotebookTestSupport.RunAsync(Notebook(), folder.Path, new Dictionary<string, string> { ["epoch"] = "2" }));

        Assert.Contains("Unknown parameter 'epoch'", error.Message);
        Assert.Contains("epochs", error.Message);
    }

    [Fact]
    public async Task RunAsync_UnparsableValue_ThrowsNamingParameterAndType()
    {
        using var folder = new TempFolder();
        var error = await Assert.ThrowsAsync<NotebookException>(() =>
            NotebookTestSupport.RunAsync(Notebook(), folder.Path, new Dictionary<string, string> { ["epochs"] = "many" }));

        Assert.Contains("Parameter 'epochs': cannot read 'many' as Int32", error.Message);
        Assert.False(File.Exists(folder.File("out.ipynb")), "bad input writes nothing");
    }

    [Fact]
    public async Task RunAsync_ParametersWithoutParametersCell_Throws()
    {
        using var folder = new TempFolder();
        var error = await Assert.ThrowsAsync<NotebookException>(() =>
            NotebookTestSupport.RunAsync(new NotebookBuilder().Code("1"), folder.Path, new Dictionary<string, string> { ["x"] = "2" }));

        Assert.Contains("no code cell tagged \"parameters\"", error.Message);
    }
}
