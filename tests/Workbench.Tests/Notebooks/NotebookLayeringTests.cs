using Workbench.Display;
using Workbench.Notebooks;
using Workbench.Tensors;

namespace Workbench.Tests.Notebooks;

public class NotebookLayeringTests
{
    [Fact]
    public void WorkbenchLibrary_DoesNotReferenceRoslynOrTheRunner()
    {
        // The .NET Interactive kernel ships its own Roslyn; the library notebooks #r must not bring one.
        var references = typeof(IHtmlDisplayable).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        Assert.DoesNotContain("Workbench.Notebooks", references);
    }

    [Fact]
    public void NotebookRunner_DoesNotReferenceWorkbenchLibrary()
    {
        var references = typeof(NotebookRunner).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain("Workbench", references);
    }

    [Fact]
    public async Task RunAsync_ReferenceToCopiedWorkbenchDll_UsesTheLibrary()
    {
        using var folder = new TempFolder();
        var library = typeof(Tensor).Assembly.Location;
        foreach (var dll in Directory.GetFiles(Path.GetDirectoryName(library)!, "*.dll")
                     .Where(p => Path.GetFileName(p) is "Workbench.dll" or "System.Numerics.Tensors.dll"))
            File.Copy(dll, folder.File(Path.GetFileName(dll)));
        var builder = new NotebookBuilder().Code("#r \"Workbench.dll\"\nusing Workbench.Tensors;\nTensor.Ones(2, 3).Sum().Item()");

        var result = await NotebookTestSupport.RunAsync(builder, folder.Path);

        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal("6", Assert.Single(result.Outputs(0)).Data("text/plain"));
    }
}
