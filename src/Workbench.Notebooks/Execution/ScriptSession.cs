using System.Collections.Immutable;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;

namespace Workbench.Notebooks;

/// <summary>
/// One C# scripting session: cells run in order as submissions of a single
/// <see cref="ScriptState"/> (first <c>RunAsync</c>, then <c>ContinueWithAsync</c>), so variables,
/// types and usings carry over from cell to cell as in the .NET Interactive kernel.
/// </summary>
internal sealed class ScriptSession
{
    /// <summary>The namespaces a .NET Interactive C# cell sees without a using.</summary>
    public static readonly string[] DefaultImports =
        ["System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks", "System.Linq"];

    private static readonly Lazy<ImmutableArray<MetadataReference>> FrameworkReferences = new(LoadFrameworkReferences);
    private static readonly CSharpParseOptions ScriptParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    private readonly ScriptOptions _options;
    private readonly NotebookGlobals _globals = new();
    private ScriptState<object>? _state;

    public ScriptSession(string baseDirectory)
    {
        _options = ScriptOptions.Default
            .WithReferences(FrameworkReferences.Value)
            .AddReferences(typeof(NotebookGlobals).Assembly)
            .WithImports(DefaultImports.Append(typeof(NotebookDisplay).FullName!))
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(baseDirectory))
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(baseDirectory))
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithAllowUnsafe(true);
    }

    /// <summary>The script's variables so far, latest declaration last.</summary>
    public IEnumerable<ScriptVariable> Variables => _state?.Variables ?? Enumerable.Empty<ScriptVariable>();

    /// <summary>
    /// Compiles and runs one cell. Compile errors throw <see cref="CompilationErrorException"/>;
    /// a runtime exception is returned (not thrown) together with the state it left.
    /// </summary>
    public async Task<SubmissionResult> RunAsync(string code, string fileName, CancellationToken cancellationToken)
    {
        var options = _options.WithFilePath(fileName);
        _state = _state is null
            ? await CSharpScript.Create(code, options, typeof(NotebookGlobals)).RunAsync(_globals, _ => true, cancellationToken)
            : await _state.ContinueWithAsync(code, options, _ => true, cancellationToken);
        return new SubmissionResult(_state.ReturnValue, HasTrailingExpression(code), _state.Exception);
    }

    /// <summary>True when the cell ends in an expression without a semicolon (its value is displayed).</summary>
    internal static bool HasTrailingExpression(string code)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, ScriptParseOptions).GetRoot();
        return root.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement }
               && statement.SemicolonToken.IsMissing;
    }

    /// <summary>Names declared at the top level of a cell (fields and locals of the script).</summary>
    internal static IReadOnlyList<string> DeclaredNames(string code)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, ScriptParseOptions).GetRoot();
        var names = new List<string>();
        foreach (var member in root.Members)
        {
            var declaration = member switch
            {
                FieldDeclarationSyntax field => field.Declaration,
                GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax local } => local.Declaration,
                _ => null,
            };
            if (declaration is not null) names.AddRange(declaration.Variables.Select(v => v.Identifier.ValueText));
        }
        return names;
    }

    // The whole shared framework, like the .NET Interactive kernel: cells can use any BCL type.
    private static ImmutableArray<MetadataReference> LoadFrameworkReferences()
    {
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
        var references = ImmutableArray.CreateBuilder<MetadataReference>();
        foreach (var path in Directory.EnumerateFiles(runtimeDirectory, "*.dll").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var wanted = name is "netstandard" or "mscorlib" or "Microsoft.CSharp" or "Microsoft.VisualBasic"
                         || (name.StartsWith("System.", StringComparison.Ordinal) && !name.StartsWith("System.Private.", StringComparison.Ordinal));
            if (wanted && IsManaged(path)) references.Add(MetadataReference.CreateFromFile(path));
        }
        return references.ToImmutable();
    }

    private static bool IsManaged(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            return pe.HasMetadata;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}

/// <summary>What one submission produced: its trailing value (if any) and an exception it threw.</summary>
internal sealed record SubmissionResult(object? ReturnValue, bool HasTrailingExpression, Exception? Exception);
