using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using Workbench.Notebooks;

namespace Workbench.NotebookHost;

/// <summary>
/// Papermill-style parameters: the first code cell tagged "parameters" holds defaults; after it
/// runs, a generated cell (tagged "injected-parameters") assigns the command-line values, each
/// parsed as the type of the variable it overrides (int, long, float, double, decimal, bool,
/// string, enum, or nullable of those). Declared names are read with the kernel's own Roslyn
/// before anything runs; types come from the kernel's script state after the parameters cell ran.
/// </summary>
internal static class ParameterInjection
{
    public const string InjectedTag = "injected-parameters";

    /// <summary>Tag of the cell holding parameter defaults (papermill's convention).</summary>
    public const string ParametersTag = "parameters";

    private static readonly CSharpParseOptions ScriptParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    /// <summary>Checks, before anything runs, that every parameter is declared in the parameters cell.</summary>
    public static void CheckNames(IReadOnlyDictionary<string, string> parameters, NotebookCell? parametersCell)
    {
        if (parameters.Count == 0) return;
        if (parametersCell is null)
            throw new NotebookException($"Parameters were given ({string.Join(", ", parameters.Keys)}) but the notebook has no code cell tagged \"{ParametersTag}\".");
        var declared = DeclaredNames(parametersCell.Source);
        foreach (var name in parameters.Keys)
            if (!declared.Contains(name))
                throw new NotebookException($"Unknown parameter '{name}': the parameters cell declares {(declared.Count == 0 ? "nothing" : string.Join(", ", declared))}.");
    }

    /// <summary>The cell assigning each parameter, typed after the session's current variables.</summary>
    public static NotebookCell CreateCell(IReadOnlyDictionary<string, string> parameters, IEnumerable<ScriptVariable> variables)
    {
        var latest = new Dictionary<string, ScriptVariable>();
        foreach (var variable in variables) latest[variable.Name] = variable;

        var code = new StringBuilder("// Parameters\n");
        foreach (var (name, raw) in parameters)
        {
            if (!latest.TryGetValue(name, out var variable))
                throw new NotebookException($"Unknown parameter '{name}': the parameters cell did not define a variable of that name.");
            code.Append(name).Append(" = ").Append(Literal(name, raw, variable.Type)).Append(";\n");
        }
        var cell = new NotebookCell(NotebookCell.Code, code.ToString().TrimEnd('\n'));
        PolyglotMetadata.ApplyCodeCellDefaults(cell.Metadata);
        cell.AddTag(InjectedTag);
        return cell;
    }

    /// <summary>A C# expression of type <paramref name="type"/> for the text <paramref name="raw"/>.</summary>
    internal static string Literal(string name, string raw, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target != type && raw == "null") return "null";
        var invariant = CultureInfo.InvariantCulture;
        try
        {
            if (target == typeof(string)) return SymbolDisplay.FormatLiteral(raw, quote: true);
            if (target == typeof(int)) return int.Parse(raw, NumberStyles.Integer, invariant).ToString(invariant);
            if (target == typeof(long)) return long.Parse(raw, NumberStyles.Integer, invariant).ToString(invariant) + "L";
            if (target == typeof(double)) return DoubleLiteral(double.Parse(raw, NumberStyles.Float, invariant));
            if (target == typeof(float)) return FloatLiteral(float.Parse(raw, NumberStyles.Float, invariant));
            if (target == typeof(decimal)) return decimal.Parse(raw, NumberStyles.Number, invariant).ToString(invariant) + "m";
            if (target == typeof(bool)) return bool.Parse(raw) ? "true" : "false";
            if (target.IsEnum)
            {
                var member = Enum.Parse(target, raw, ignoreCase: true);
                if (!Enum.IsDefined(target, member)) throw new FormatException();
                return $"{TypeName(target)}.{member}";
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new NotebookException($"Parameter '{name}': cannot read '{raw}' as {target.Name}.", e);
        }
        throw new NotebookException($"Parameter '{name}' has type {type.Name}, which cannot be set from the command line (use int, long, float, double, decimal, bool, string or an enum).");
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

    private static string DoubleLiteral(double value) =>
        double.IsNaN(value) ? "double.NaN"
        : double.IsPositiveInfinity(value) ? "double.PositiveInfinity"
        : double.IsNegativeInfinity(value) ? "double.NegativeInfinity"
        : value.ToString("R", CultureInfo.InvariantCulture) + "d";

    private static string FloatLiteral(float value) =>
        float.IsNaN(value) ? "float.NaN"
        : float.IsPositiveInfinity(value) ? "float.PositiveInfinity"
        : float.IsNegativeInfinity(value) ? "float.NegativeInfinity"
        : value.ToString("R", CultureInfo.InvariantCulture) + "f";

    // A type declared in an earlier cell is nested in a "Submission#N" class and is in scope by its
    // simple name; any other type is written fully qualified.
    private static string TypeName(Type type)
    {
        if (type.DeclaringType is { } outer && outer.Name.StartsWith("Submission#", StringComparison.Ordinal)) return type.Name;
        return "global::" + type.FullName!.Replace('+', '.');
    }
}
