using System.Reflection;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Structure;

/// <summary>
/// docs/engine.md lists every public op, layer, optimizer, schedule and autograd function the engine has, each in
/// backticks (the experiment-file records, <c>…Config</c>, are documented with the experiment files).
/// </summary>
public class EngineDocsTests
{
    private static readonly Lazy<string> Page = new(() => File.ReadAllText(Path.Combine(Repository.Root(), "docs", "engine.md")));

    /// <summary>Public members of Tensor that are not ops: data access, printing, object plumbing.</summary>
    private static readonly HashSet<string> NotOps =
    [
        "ToString", "Equals", "GetHashCode", "GetType", "ToArray", "Item", "Dim", "CopyFrom", "Fill", "Clone",
        "Backward", "ZeroGrad", "Detach",
    ];

    public static TheoryData<string> TensorOps()
    {
        var names = typeof(Tensor).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && !NotOps.Contains(m.Name))
            .Select(m => m.Name)
            .Concat(typeof(Losses).GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly).Select(m => m.Name))
            .Distinct()
            .Order();
        return [.. names];
    }

    public static TheoryData<string> EngineTypes()
    {
        var assembly = typeof(Tensor).Assembly;
        var types = assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && !t.IsNested
                        && ((t.Namespace == "Workbench.NN" && typeof(Workbench.NN.Module).IsAssignableFrom(t))
                            || (t.Namespace?.StartsWith("Workbench.Optim", StringComparison.Ordinal) == true && t.IsClass && !t.Name.EndsWith("Config", StringComparison.Ordinal))
                            || typeof(AutogradFunction).IsAssignableFrom(t)))
            .Select(t => t.IsGenericType ? t.Name[..t.Name.IndexOf('`')] : t.Name)
            .Distinct()
            .Order();
        return [.. types];
    }

    /// <summary>The name opens a backticked entry: `Name`, `Name(…)`, `Name.Member…` or `Name …`.</summary>
    private static bool Listed(string name) => "`( .".Any(next => Page.Value.Contains($"`{name}{next}", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(TensorOps))]
    public void EnginePage_ListsEveryPublicTensorOp(string op) =>
        Assert.True(Listed(op),
            $"docs/engine.md does not list Tensor.{op} (write it in backticks with its PyTorch counterpart).");

    [Theory]
    [MemberData(nameof(EngineTypes))]
    public void EnginePage_ListsEveryLayerOptimizerAndFunction(string type) =>
        Assert.True(Listed(type),
            $"docs/engine.md does not list {type} (write it in backticks with its PyTorch counterpart).");

    [Fact]
    public void EnginePage_EveryTableRowNamesAPyTorchCounterpartOrSaysThereIsNone()
    {
        var rows = Page.Value.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            Assert.True(cells.Length >= 4 && cells[2].Length > 0, $"row without a PyTorch column: {row}");
        }
    }
}
