using Microsoft.CodeAnalysis.Scripting;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace Workbench.NotebookHost;

/// <summary>
/// One .NET Interactive C# kernel, set up as the Polyglot Notebooks extension sets it up: a
/// <see cref="CompositeKernel"/> around a <see cref="CSharpKernel"/> with the kernel helpers
/// (<c>display(…)</c>), value sharing and <c>#r "nuget: …"</c> package references.
/// </summary>
internal sealed class KernelSession : IDisposable
{
    private readonly CompositeKernel _kernel;
    private readonly CSharpKernel _csharp;

    public KernelSession()
    {
        _csharp = new CSharpKernel()
            .UseNugetDirective((kernel, packages) =>
            {
                kernel.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                return Task.CompletedTask;
            })
            .UseKernelHelpers()
            .UseValueSharing();
        _kernel = new CompositeKernel { _csharp };
        _kernel.DefaultKernelName = _csharp.Name;
    }

    /// <summary>
    /// Compiles and runs a trivial submission, so that the kernel's one-time start-up (about 2 s of
    /// JIT and Roslyn loading) is not charged to the first cell's time and timeout.
    /// </summary>
    public async Task WarmUpAsync() => await _kernel.SendAsync(new SubmitCode("_ = 0;", _csharp.Name));

    /// <summary>The script's variables so far, latest declaration last (parameter types come from here).</summary>
    public IEnumerable<ScriptVariable> Variables => _csharp.ScriptState?.Variables ?? Enumerable.Empty<ScriptVariable>();

    /// <summary>Submits one cell and records its events in order; returns the failure text, or null.</summary>
    public async Task<string?> RunAsync(string code, CellOutputRecorder recorder)
    {
        var result = await _kernel.SendAsync(new SubmitCode(code, _csharp.Name));
        string? failure = null;
        foreach (var kernelEvent in result.Events)
            failure ??= recorder.Record(kernelEvent);
        return failure;
    }

    public void Dispose() => _kernel.Dispose();
}
