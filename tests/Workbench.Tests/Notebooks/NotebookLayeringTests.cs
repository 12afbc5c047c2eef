using Workbench.Display;
using Workbench.Notebooks;
using Workbench.Tensors;

namespace Workbench.Tests.Notebooks;

public class NotebookLayeringTests
{
    [Fact]
    public void WorkbenchLibrary_DoesNotReferenceRoslynTheKernelOrTheRunner()
    {
        // The kernel loads its own Roslyn and its own Interactive assemblies; the library notebooks #r must bring neither.
        var references = typeof(IHtmlDisplayable).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.DotNet.Interactive", StringComparison.Ordinal));
        Assert.DoesNotContain("Workbench.Notebooks", references);
    }

    [Fact]
    public void NotebookRunner_HasNoKernelNoRoslynAndNoWorkbenchLibrary()
    {
        var references = typeof(NotebookRunner).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain("Workbench", references);
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.DotNet.Interactive", StringComparison.Ordinal));
    }

    [Fact]
    public void KernelHost_DoesNotReferenceWorkbenchLibrary()
    {
        // Notebooks #r their own Workbench.dll; a copy loaded by the host would shadow it.
        var host = System.Reflection.AssemblyName.GetAssemblyName(Path.Combine(AppContext.BaseDirectory, NotebookRunner.HostAssemblyName));
        var references = System.Reflection.Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, NotebookRunner.HostAssemblyName))
            .GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Equal("Workbench.NotebookHost", host.Name);
        Assert.DoesNotContain("Workbench", references);
        Assert.Contains("Microsoft.DotNet.Interactive.CSharp", references);
    }

    [Fact]
    public async Task RunAsync_ReferenceToCopiedWorkbenchDll_UsesTheLibrary()
    {
        using var folder = new TempFolder();
        var library = typeof(Tensor).Assembly.Location;
        foreach (var dll in Directory.GetFiles(Path.GetDirectoryName(library)!, "*.dll")
                     .Where(p => Path.GetFileName(p) is "Workbench.dll" or "System.Numerics.Tensors.dll"))
            File.Copy(dll, folder.File(Path.GetFileName(dll)));
        var builder = new NotebookBuilder().Code("#r \"Workbench.dll\"\nusing Workbench.Tensors;\n$\"{Tensor.Ones(2, 3).Sum().Item()}\"");

        var result = await NotebookTestSupport.RunAsync(builder, folder.Path);

        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal("6", Assert.Single(result.Outputs(0)).Data("text/plain"));
    }
}
