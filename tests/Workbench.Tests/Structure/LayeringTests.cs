using Workbench.Tests.Structure.LayeringFixture.Low;
using Xunit.Abstractions;

namespace Workbench.Tests.Structure;

/// <summary>
/// Dependencies point one way (Display, the notebook-formatting convention, sits under everything): Kernels → Tensors → NN/Optim/IO → Models/Data → Evaluation → Training
/// → Experiments/Plotting → Notebooks. Each library folder may use only the folders listed for it.
/// </summary>
/// <remarks>
/// The check reads the compiled Workbench.dll (<see cref="LayerReferences"/>), not the source text, so no way of naming a type
/// escapes it; a layer is the first namespace segment after <c>Workbench</c> (Workbench.Models.Kl is in Models).
/// </remarks>
public class LayeringTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Display"] = [],
        ["Kernels"] = [],
        ["Tensors"] = ["Display", "Kernels"],
        ["NN"] = ["Display", "Tensors", "Kernels"],
        ["Optim"] = ["Display", "Tensors", "Kernels"],
        ["IO"] = ["Display", "Tensors", "NN"],
        ["Data"] = ["Display", "Tensors", "IO"],
        ["Plotting"] = ["Display", "IO"],
        ["Models"] = ["Display", "Tensors", "NN"],
        ["Evaluation"] = ["Display", "Models", "Data", "Optim", "Tensors", "NN"],
        ["Training"] = ["Display", "Evaluation", "Models", "Data", "Optim", "IO", "Tensors", "NN"],
        ["Experiments"] = ["Display", "Training", "Evaluation", "Models", "Data", "Optim", "IO", "Tensors", "NN", "Plotting"],
        ["Notebooks"] = ["Display", "Experiments", "Training", "Evaluation", "Models", "Data", "Optim", "IO", "Tensors", "NN", "Plotting"],
    };

    /// <summary>
    /// Allowed uses the library does not make today, each with the reason it stays allowed. Every other entry of
    /// <see cref="Allowed"/> must be seen in the compiled code at least once, and none of these may be, so the table
    /// describes the code rather than a wish and an analysis that read nothing, or the wrong assembly, fails.
    /// </summary>
    private static readonly Dictionary<(string Layer, string Uses), string> AllowedButUnused = new()
    {
        [("Tensors", "Display")] = DisplayUnderEverything,
        [("NN", "Display")] = DisplayUnderEverything,
        [("Optim", "Display")] = DisplayUnderEverything,
        [("IO", "Display")] = DisplayUnderEverything,
        [("Data", "Display")] = DisplayUnderEverything,
        [("Models", "Display")] = DisplayUnderEverything,
        [("NN", "Kernels")] = "modules are composed from Tensor operations; a fused kernel for a layer may call Kernels directly",
    };

    private const string DisplayUnderEverything =
        "Display sits under every layer so any type can carry a notebook view; this layer has no displayable type yet";

    private static readonly Lazy<LayerGraph> Library =
        new(() => LayerReferences.Read(typeof(Workbench.Tensors.Tensor).Assembly.Location, "Workbench"));

    [Fact]
    public void LibraryLayers_UseOnlyTheLayersAllowedForThem()
    {
        var violations = Violations(Library.Value, Allowed);
        Assert.True(violations.Count == 0, "Dependencies against the layering (type → used type (its layer)):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void LibraryLayers_EachUseEveryLayerTheyAreExpectedToUse()
    {
        var seen = Library.Value.References.CountBy(reference => (reference.FromLayer, reference.ToLayer)).ToDictionary();
        foreach (var ((layer, uses), count) in seen.OrderBy(pair => pair.Key))
            output.WriteLine($"{layer} → {uses}: {count} type-to-type references");

        var allowed = Allowed.SelectMany(rule => rule.Value.Select(uses => (Layer: rule.Key, Uses: uses))).ToList();
        Assert.All(AllowedButUnused.Keys, pair => Assert.Contains(pair, allowed));
        var expected = allowed.Except(AllowedButUnused.Keys).ToList();
        Assert.NotEmpty(expected);

        var unseen = expected.Where(pair => !seen.ContainsKey(pair)).Select(pair => $"{pair.Layer} → {pair.Uses}").ToList();
        Assert.True(unseen.Count == 0,
            $"Allowed dependencies never seen in {typeof(Workbench.Tensors.Tensor).Assembly.Location}; either the analysis missed them or the " +
            $"code stopped using them (then list them in {nameof(AllowedButUnused)}, saying why):\n" + string.Join("\n", unseen));
        var nowUsed = AllowedButUnused.Keys.Where(seen.ContainsKey).Select(pair => $"{pair.Layer} → {pair.Uses}").ToList();
        Assert.True(nowUsed.Count == 0, $"Dependencies listed in {nameof(AllowedButUnused)} that the code now uses; remove them from that list:\n" + string.Join("\n", nowUsed));
    }

    [Fact]
    public void LibraryNamespaces_EachHaveAPlaceInTheLayering()
    {
        var layers = Library.Value.TypesByLayer;
        Assert.False(layers.ContainsKey(""),
            "Types in the root namespace Workbench belong to no layer; move them into a folder: " + string.Join(", ", layers.GetValueOrDefault("") ?? []));
        var unplaced = layers.Keys.Where(layer => !Allowed.ContainsKey(layer)).Select(layer => $"Workbench.{layer}: {string.Join(", ", layers[layer].Take(3))}");
        Assert.True(!unplaced.Any(), $"Namespaces with no place in the layering; add them to {nameof(LayeringTests)}.{nameof(Allowed)}:\n" + string.Join("\n", unplaced));
        var empty = Allowed.Keys.Where(layer => !layers.ContainsKey(layer)).ToList();
        Assert.True(empty.Count == 0, "Layers in the table with no type in Workbench.dll: " + string.Join(", ", empty));
    }

    /// <summary>The same analysis on the namespace Workbench.Tests.Structure.LayeringFixture, a miniature where Low may use nothing and High may use Low.</summary>
    [Fact]
    public void Checker_OnALowLayerUsingAHigherOne_ReportsEachWayOfUsingIt()
    {
        var fixture = LayerReferences.Read(typeof(LayeringTests).Assembly.Location, "Workbench.Tests.Structure.LayeringFixture");
        var violations = Violations(fixture, new() { ["Low"] = [], ["High"] = ["Low"] });

        string[] offenders =
        [
            nameof(BaseTypeUser), nameof(InterfaceUser), nameof(FieldUser), nameof(SignatureUser), "ConstraintUser`1", nameof(AttributeUser),
            nameof(AttributeArgumentUser), nameof(GenericArgumentUser), nameof(CallUser), nameof(StaticUsingUser), nameof(FieldTokenUser),
            nameof(TypeTokenUser), nameof(CastUser), nameof(LambdaUser), nameof(ClosureUser), nameof(AsyncUser), nameof(IteratorUser),
        ];
        var reported = violations.Select(violation => violation.Split(' ')[0].Split('.')[^1]).Distinct().Order().ToList();
        Assert.Equal(offenders.Order(), reported);
        Assert.Contains($"{typeof(StaticUsingUser).FullName} → {typeof(LayeringFixture.High.HighMath).FullName} (High)", violations);
        Assert.Contains(typeof(Clean).FullName!, fixture.TypesByLayer["Low"]);
    }

    /// <summary>Each reference from a layer to a layer not allowed for it, as <c>Type → UsedType (its layer)</c>.</summary>
    private static List<string> Violations(LayerGraph graph, Dictionary<string, string[]> allowed) =>
        graph.References
            .Where(reference => !(allowed.TryGetValue(reference.FromLayer, out var uses) && uses.Contains(reference.ToLayer)))
            .Select(reference => $"{reference.FromType} → {reference.ToType} ({(reference.ToLayer == "" ? "root namespace" : reference.ToLayer)})")
            .ToList();

    internal static string RepositoryRoot() => Support.Repository.Root();
}
